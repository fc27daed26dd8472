// Preloaded into the stock reference server when it is profiled: it installs no signal handler,
// so SIGTERM would kill it before `--cpu-prof` writes the profile. Exiting normally writes it.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0))
