export { listen, type HttpListener } from './listener';
