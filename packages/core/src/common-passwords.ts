/**
 * Passwords that appear near the top of published lists of the most used passwords (the RockYou
 * leak, SecLists' "10k most common", the UK NCSC's "100k most common"), and their usual seasonal
 * and keyboard variants. Only passwords of 8 characters or more are listed: shorter ones are
 * refused by the length rule anyway. Compared in lower case.
 */
const WORDS = `
12345678 123456789 1234567890 12345678910 11111111 111111111 1111111111 00000000 000000000
0000000000 87654321 88888888 99999999 77777777 66666666 55555555 22222222 33333333 44444444
12341234 11223344 12121212 123123123 123321123 987654321 0987654321 1234512345 147258369
159753123 741852963 963852741 123456789a 12345678a 1234567a a12345678 a123456789 123456789q
12345qwert 1234567890q 123qweasd 123qweasdzxc 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1q2w3e4r5t6y7u
1qaz2wsx 1qaz2wsx3edc 1qazxsw2 zaq12wsx zaq1zaq1 zaq1xsw2 qwertyuiop qwerty123 qwerty12
qwerty1234 qwertyui qwerty12345 qwerty123456 qwertyu1 qwerty11 qwerty01 qwerty69 qwerty007
qwertzuiop asdfghjkl asdfghjk asdf1234 asdfasdf asdfjkl; asdfqwer zxcvbnm1 zxcvbnm123 zxcvbnmm
zxcvasdf 1234qwer qwer1234 q1w2e3r4 q1w2e3r4t5 q1w2e3r4t5y6 a1b2c3d4 a1b2c3d4e5 abcd1234
abc12345 abc123456 abcdefgh abcdefg1 abcdefghi abcdefghij abcde12345 aaaaaaaa aaaaaaaaa
abcabcabc password password1 password12 password123 password1234 password12345 password01
password11 password2 password3 password7 password9 password99 password! password1! password123!
passw0rd passw0rd1 p@ssw0rd p@ssword p@ssword1 p@ssw0rd1 p@55w0rd pa$$word pa$$w0rd pass1234
pass12345 pass123456 passpass passw0rd! passwort passwort1 motdepasse contrasena contrasenya
wachtwoord salasana lozinka1 haslo123 parola123 password@123 password#1 mypassword mypassword1
newpassword secretpassword secret123 secret12 topsecret iloveyou iloveyou1 iloveyou2 iloveyou!
iloveyou12 iloveyou123 ilovegod ilovejesus iloveu123 ilovemom ilovemyself ilovemusic iloveme1
loveyou1 loveyou2 lovelove lovelove1 lovers123 lovely123 loveme123 sunshine sunshine1 sunshine12
princess princess1 princess12 princesa football football1 football12 baseball baseball1
basketball basketball1 soccer123 soccer12 hockey123 volleyball superman superman1 superman123
batman123 batman12 spiderman spiderman1 starwars starwars1 starwars123 trustno1 trustnoone
whatever whatever1 welcome1 welcome123 welcome12 welcome2 welcome! letmein1 letmein123 letmein!
changeme changeme1 changeme123 computer computer1 computer123 internet internet1 michelle
jennifer jessica1 jordan23 jordan123 michael1 michael123 charlie1 charlie123 chocolate
chocolate1 butterfly butterfly1 liverpool liverpool1 chelsea1 arsenal1 manchester manutd99
barcelona barcelona1 realmadrid juventus elephant fireball dolphins dolphin1 mustang1 mustang123
shadow123 shadow12 master123 master12 masterkey mastermind dragon123 dragon12 dragonball
dragonfly monkey123 monkey12 monkey01 monkeyman cheese123 cookie123 cookies1 pepper123 ginger123
maggie123 buster123 tigger123 tigger12 hunter123 hunter12 hunter22 killer123 killer12 ranger123
thunder1 thunderbird lightning blessed1 blessing jesus123 jesuschrist christ123 godisgood
godislove faith123 heaven123 angel123 angelina angel1234 beautiful beautiful1 sweetheart
sweetie1 sweetpea babygirl babygirl1 babyboy1 baby1234 lovebug1 honey123 sugar123 cupcake1
flower12 flowers1 rainbow1 rainbow123 sunflower1 sunflower butterfly12 fuckyou1 fuckyou123
fuckoff1 asshole1 bitch123 whatever! 1234abcd 12345abc 1234abcd! abcd123456 qwe123qwe qweasdzxc
qweasd123 qazwsxedc qazwsx123 qazxswedc wsxedcrfv 1qa2ws3ed zaqwsxcde poiuytrewq mnbvcxz1
lkjhgfdsa 1a2b3c4d 1a2b3c4d5e admin123 admin1234 admin12345 administrator administrator1
admin@123 admin2020 admin2021 admin2022 admin2023 admin2024 root1234 rootroot toor1234
adminadmin admin123! administrador system123 sysadmin1 default1 default123 guest123 guest1234
user1234 user12345 test1234 test12345 testtest testing1 testing123 tester123 demo1234 demodemo
support1 support123 service1 server123 oracle123 mysql123 postgres1 database1 webmaster webadmin
qwerty!@# !qaz2wsx !qaz@wsx 1qaz@wsx 1qaz!qaz !@#$%^&* !@#$%^&*() 1q2w3e4r! summer2019
summer2020 summer2021 summer2022 summer2023 summer2024 summer2025 summer123 summer12 summer01
winter2019 winter2020 winter2021 winter2022 winter2023 winter2024 winter2025 winter123
spring2020 spring2021 spring2022 spring2023 spring2024 spring2025 autumn2020 autumn2021
autumn2022 autumn2023 autumn2024 autumn2025 fall2020 fall2021 fall2022 fall2023 fall2024
fall2025 january1 february1 december1 november1 october1 september1 august123 july2020 monday123
friday13 sunday123 weekend1 welcome2020 welcome2021 welcome2022 welcome2023 welcome2024
welcome2025 password2019 password2020 password2021 password2022 password2023 password2024
password2025 company1 company123 office123 business1 corporate letmein2 access14 access123
accessdenied login123 login1234 loginlogin logmein1 opensesame open1234 openup12 unlock123
security1 security123 secure123 private1 private123 confidential abc123abc abc123456789 aa123456
aa12345678 aaa12345 aaaa1111 a1234567 qq123456 qq123456789 zz123456 q1234567 q12345678 z1234567
asd12345 asd123456 zxc12345 zxc123456 qwe12345 qwe123456 qwe1234567 1qwerty1 123qwe123
1234qwerty qwerty1! abcd!234 123abc123 147852369 159357123 258456258 123654789 321654987
789456123 7894561230 1029384756 0123456789 01234567 98765432 9876543210 13579246 24682468
10203040 11112222 11221122 12131415 12344321 12345679 12345687 12345699 1234567891 112233445566
123456123456 123123123123 121212121 1212312121 2222222222 5555555555 7777777777 9999999999
123456654321 69696969 42424242 31415926 3.14159265 14789632 15975346 20202020 20212021 20222022
20232023 20242024 19841984 19851985 19861986 19871987 19881988 19891989 19901990 19911991
19921992 19931993 19941994 19951995 19961996 19971997 19981998 19991999 20002000 20012001
20102010 01011980 01011990 01011991 01012000 01012020 11111990 12121990 password11!
passwordpassword passwordpassword1 thisismypassword mysecretpassword supersecret supersecret1
nopassword yourpassword ourpassword password0 password00 qwertyqwerty qwerty123qwerty 12qwaszx
12qwaszx! 123qwe!@# qwe!@#123 1234!@#$ 12345!@#$% 1qazzaq1 baseball12 football2 soccer10
soccer11 basketball23 hockey12 golfer12 skater12 tennis123 runner123 cowboys1 steelers packers1
eagles12 yankees1 redsox12 lakers24 raiders1 broncos1 patriots dallas22 chicago1 newyork1
london12 paris123 california texas123 florida1 canada123 america1 america123 usa12345 australia
england1 germany1 france123 brazil12 mexico123 india123 russia123 china123 japan123 italia123
espana123 portugal scotland ireland1 holland1 sweden12 norway12 poland123 ukraine1 turkey123
israel12 pakistan bangladesh philippines indonesia malaysia1 singapore vietnam1 thailand
nigeria1 kenya123 samsung1 samsung123 iphone123 apple123 apple1234 google123 google12 facebook
facebook1 linkedin microsoft windows1 windows7 windows10 linux123 ubuntu123 android1 nintendo
playstation playstation2 xbox360! minecraft minecraft1 minecraft123 pokemon1 pokemon123 fortnite
roblox123 zelda123 mario123 callofduty counterstrike warcraft worldofwarcraft starcraft
diablo123 halo1234 overwatch leagueoflegends harrypotter hogwarts1 gandalf1 frodo123
lordoftherings matrix123 terminator startrek1 stargate1 simpsons family123 familyguy southpark1
spongebob spongebob1 scooby12 snoopy12 mickeymouse minnie123 hellokitty barbie123 cinderella
tinkerbell pinkpink1 purple12 purple123 orange12 orange123 yellow12 yellow123 green123 blue1234
blueblue red12345 redred123 black123 blackcat white123 silver12 golden12 diamond1 diamonds
crystal1 emerald1 sapphire platinum rockstar rockstar1 rocknroll guitar12 guitar123 music123
musiclover drummer1 piano123 singer12 dancer12 dancing1 artist12 poetry12 writer12 reader12
teacher1 teacher123 student1 student123 doctor12 nurse123 police12 fireman1 soldier1 engineer1
sunshine! happy123 happyday happydays happiness smile123 smiling1 laughing freedom1 freedom123
liberty1 justice1 peace123 peaceful harmony1 serenity paradise paradise1 heaven12 forever1
forever21 together friends1 friends123 bestfriend bestfriend1 family01 mother12 father12
mommy123 daddy123 brother1 sister12 grandma1 grandpa1 daughter1 children1 michael12 jennifer1
jessica12 ashley12 amanda12 andrew12 anthony1 austin12 brandon1 charles1 christian christina
christopher daniel12 david123 elizabeth george12 hannah12 heather1 jackson1 jasmine1 jeremy12
jonathan joseph12 joshua12 justin12 katherine kimberly lauren12 matthew1 melissa1 michelle1
natalie1 nicholas nicole12 patrick1 rachel12 rebecca1 richard1 robert12 samantha samantha1
sarah123 stephanie stephen1 steven12 taylor12 thomas12 tiffany1 victoria victoria1 william1
william12 alexander alexandra alexis12 benjamin benjamin1 caroline cassandra catherine danielle1
deborah1 dominic1 elizabeth1 frederick gabriel1 isabella isabelle jacqueline jonathan1 kristina
madison1 marianne margaret mercedes nathaniel olivia12 patricia priscilla samuel12 sebastian
sophie12 valentina veronica vincent1 zachary1 anderson johnson1 williams jackson5 robinson
thompson martinez rodriguez hernandez 123mudar mudar123 senha123 minhasenha qwertyasdf
asdfghjkl; asdfzxcv zxcvbnma mnbvcxza poiuytre lkjhgfds 1password 1password1 1iloveyou 1princess
1football 1sunshine 1baseball 1superman 1michael 1jessica 1charlie 1chocolate 1welcome
123password 123456password password123456 admin1admin root123! letmein12 iloveyou7 iloveyou3
goodluck goodluck1 goodbye1 goodgirl goodboy1 badboy12 badgirl1 bigboy12 bigdaddy cutie123
sexy1234 sexygirl sexyboy1 hottie12 hotmail1 yahoo123 gmail123 outlook1 email123 mailmail
telephone phone123 mobile12 cellphone nokia123 motorola blackberry dell1234 lenovo12 toshiba1
compaq12 thinkpad ferrari1 porsche1 mercedes1 bmw12345 audi1234 toyota12 honda123 nissan12
mustang5 corvette camaro12 harley12 yamaha12 kawasaki suzuki12 ducati12 jaguar12 chevrolet
chevy123 ford1234 dodge123 jeep1234 tigers12 lions123 bears123 panthers wildcats bulldogs1
eagles123 falcons1 hawks123 warriors spartans trojans1 vikings1 pirates1 knights1 dragons1
wolves12 wolfpack1 phoenix1 phoenix12 scorpion scorpio1 aquarius sagittarius capricorn gemini12
taurus12 virgo123 leo12345 libra123 pisces12 cancer12 aries123 zodiac12 midnight midnight1
darkness darkside1 darkangel nightmare vampire1 zombie12 ghost123 monster1 monsters devil666
satan666 lucifer1 hell1234 killer666 matrix12 neo12345 morpheus trinity1 access01 charlie2
shadow01 master01 dragon01 monkey02 football7 baseball7 soccer7! hockey99 jordan12 kobe2424
lebron23 messi10! ronaldo7 cristiano beckham7 zidane10 maradona pele1234 federer1 nadal123
tigerwoods nascar12 wrestling boxing12 karate12 kungfu12 ninja123 samurai1 shinobi1 naruto12
naruto123 sasuke12 goku1234 vegeta12 pikachu1 doraemon sailormoon hellokitty1 snowball snowflake
snowwhite snowman1 iceman12 fireman12 spiderman2 ironman1 hulk1234 thor1234 avengers wolverine
deadpool1 captain1 blackpanther wonderwoman aquaman1 flash123 greenlantern joker123 catwoman1
robin123 alfred12 gotham12 kryptonite smallville chicken1 chicken123 turtle12 rabbit12 bunny123
kitten12 kitty123 puppy123 doggy123 doggie12 puppies1 horses12 pony1234 unicorn1 unicorns
penguin1 panda123 koala123 tiger123 lion1234 monkey1! giraffe1 elephant1 zebra123 hamster1
parrot12 eagle123 falcon12 shark123 whale123 octopus1 lobster1 jellyfish banana12 banana123
apple12345 orange1234 cherry12 strawberry blueberry raspberry pineapple watermelon mango123
peaches1 lemon123 coconut1 pumpkin1 potato12 tomato12 carrot12 broccoli cucumber pizza123
pizzahut burger12 hotdog12 cheeseburger icecream chocolate! candy123 cookie12 biscuit1 pancake1
waffles1 cupcakes1 muffin12 brownie1 donut123 coffee12 coffee123 espresso starbucks teatime1
whiskey1 vodka123 tequila1 beer1234 wine1234 champagne martini1 cocktail marlboro cigarette
smoke420 weed4200 420420420 blaze420 stoner420 ganja420 mary1234 johnny12 bobby123 billy123
jimmy123 tommy123 sammy123 benny123 danny123 freddy12 teddy123 teddybear bear1234 bigbear1
hello123 hello1234 hellohello helloworld hello12345 hi123456 hey12345 yes12345 nothing1
nothing123 something anything everything nobody12 somebody everybody someone1 noone123 myself12
yourself itsme123 justme12 onlyme12 mylove12 myheart1 mylife12 myworld1 mymusic1 mybaby12
mydream1 dreamer1 dreams12 wishes12 magic123 mystery1 secret01 whoami12 whoareyou imcool12
iamcool1 iamthebest thebest1 number10 number123 numberone winner12 winner123 champion champion1
champions victory1 success1 success123 perfect1 awesome1 awesome123 amazing1 fantastic wonderful
wonderful1 incredible excellent brilliant superstar superstar1 legend12 legendary warrior1
fighter1 hunter99 sniper12 soldier12 marine12 army1234 navy1234 airforce military pentagon
president whitehouse america12 patriot1 freedom12 independence liberty12 democracy
`

let words: ReadonlySet<string> | undefined
const list = (): ReadonlySet<string> =>
  (words ??= new Set(WORDS.split(/\s+/).filter((w) => w !== '')))

/** Whether `password` (lower-cased) is on the list. */
export function isCommonPassword(password: string): boolean {
  return list().has(password.toLowerCase())
}

/** How many passwords the list holds. */
export function commonPasswordCount(): number {
  return list().size
}
