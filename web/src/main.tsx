import { render } from 'preact';
import './styles.css';
import './lib/theme.js';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
