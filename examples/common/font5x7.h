/*
 * Example helper: a 5 x 7 pixel bitmap font (the HD44780 character shapes)
 * for titles and labels drawn into PNG grids. Upper-case letters, digits,
 * space and common punctuation; lower case is drawn as upper case and any
 * other character as '?'.
 */
#ifndef EX_FONT5X7_H
#define EX_FONT5X7_H

#define EX_FONT_W 5
#define EX_FONT_H 7

/* The 7 rows of character c, top first; bit 4 of a row is its leftmost
 * pixel. */
const unsigned char *ex_font_glyph(char c);

#endif
