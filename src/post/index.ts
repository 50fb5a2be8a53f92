import { post } from './main.js'

await post()
