/** Nesting limit for values written and read (guards against cycles in plain containers and hostile input). */
export const MAX_DEPTH = 128;
