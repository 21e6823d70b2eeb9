export { DbwireError } from '@dbwire/core';
