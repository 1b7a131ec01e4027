/* The one error printer: "tool: message" on one line of stderr
 * (docs/conventions.md). A tool names itself once, at the top of main. */
#ifndef VTB_ERR_H
#define VTB_ERR_H

/* Exit codes of docs/conventions.md. */
enum {
	VTB_EXIT_OK = 0,
	VTB_EXIT_ERROR = 1,        /* bad input, I/O failure */
	VTB_EXIT_USAGE = 2,        /* unknown option, malformed value */
	VTB_EXIT_REGRESSION = 3,
	VTB_EXIT_INCONCLUSIVE = 4,
};

void vtb_set_prog(const char *name);
const char *vtb_prog(void);
/* Prints "prog: <fmt...>\n". */
void vtb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* vtb_err, then exit(code). */
_Noreturn void vtb_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* vtb_err of "<fmt...> (try --help)", returns VTB_EXIT_USAGE. */
int vtb_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
