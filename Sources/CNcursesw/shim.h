#ifndef SCHEDTUI_CNCURSESW_SHIM_H
#define SCHEDTUI_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, so the wide-character API must be asked for here.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Swift 6 rejects these C globals as not concurrency-safe; the TUICurses backend only touches them
// from the UI thread, through these getters.
static inline WINDOW *schedtui_stdscr(void) { return stdscr; }
static inline int schedtui_lines(void) { return LINES; }
static inline int schedtui_cols(void) { return COLS; }
static inline int schedtui_colors(void) { return COLORS; }
static inline int schedtui_color_pairs(void) { return COLOR_PAIRS; }

// Attribute and key macros that do not import.
static inline attr_t schedtui_a_bold(void) { return A_BOLD; }
static inline attr_t schedtui_a_dim(void) { return A_DIM; }
static inline attr_t schedtui_a_reverse(void) { return A_REVERSE; }
static inline attr_t schedtui_a_underline(void) { return A_UNDERLINE; }
static inline attr_t schedtui_a_normal(void) { return A_NORMAL; }
static inline int schedtui_key_f(int n) { return KEY_F(n); }
static inline mmask_t schedtui_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t schedtui_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t schedtui_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline mmask_t schedtui_button1_clicked(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED; }

// tigetflag takes a non-const char*; Swift string literals are const.
/* Whether terminfo knows `term`, asked without ncurses printing anything or exiting (initscr
 * prints "Error opening terminal" and exits for an unknown TERM). */
static inline int schedtui_terminfo_knows(const char *term) {
  int status = 0;
  if (setupterm(term, 1, &status) != OK) return 0;
  del_curterm(cur_term);
  return 1;
}
static inline int schedtui_has_rgb(void) { return tigetflag((char *)"RGB") > 0; }

extern int wcwidth(wchar_t c);

// Whether setlocale(LC_ALL, "") chose a UTF-8 codeset: braille and blocks need it.
static inline int schedtui_locale_is_utf8(void) {
  const char *c = nl_langinfo(CODESET);
  return c != NULL && (strcmp(c, "UTF-8") == 0 || strcmp(c, "utf8") == 0);
}
#endif
