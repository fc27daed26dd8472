import { configureJitlessValidation } from '@concord/core'
import { render } from 'solid-js/web'
import { App } from './App'
import './styles.css'

// The CSP has no 'unsafe-eval': schemas must not compile code (see configureJitlessValidation).
configureJitlessValidation()
render(() => <App />, document.getElementById('app')!)
