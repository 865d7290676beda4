/** jsonc-parser's `SyntaxKind` values (a const enum in its typings, so not importable as values under isolatedModules). */
export const T_OPEN_BRACE = 1;
export const T_CLOSE_BRACE = 2;
export const T_OPEN_BRACKET = 3;
export const T_CLOSE_BRACKET = 4;
export const T_COMMA = 5;
export const T_COLON = 6;
export const T_NULL = 7;
export const T_TRUE = 8;
export const T_FALSE = 9;
export const T_STRING = 10;
export const T_NUMBER = 11;
export const T_LINE_COMMENT = 12;
export const T_BLOCK_COMMENT = 13;
export const T_LINE_BREAK = 14;
export const T_TRIVIA = 15;
export const T_UNKNOWN = 16;
export const T_EOF = 17;
