import { version } from '../../package.json';

process.stdout.write(`autoload-lens ${version}\n`);
