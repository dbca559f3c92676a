/*	xcallsim: tests/fuzz/fuzz.h, what the fuzz targets share	*/

/*
 * Copyright (c) 2026 The xcallsim developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * libFuzzer targets for every text a user gives xcallsim.  A program's
 * option parser is fuzzed by compiling the program into the target with
 * its errx(3) and exit(3) turned into a jump back to the target, so one
 * process tries millions of command lines: a rejection must come with a
 * message, an acceptance must leave the options in range, and neither
 * may crash, hang or trip a sanitizer.
 */

#ifndef _XCS_FUZZ_H_
#define _XCS_FUZZ_H_

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#define XCS_FUZZ_MAXARGS	16

extern jmp_buf xcs_fuzz_top;
extern char xcs_fuzz_msg[256];

/*
 * The input as a command line: argv[0] is prog, then one argument per
 * line of data, at most XCS_FUZZ_MAXARGS.  Free with xcs_fuzz_free.
 */
int	xcs_fuzz_argv(const uint8_t *, size_t, const char *, char **);
void	xcs_fuzz_free(int, char **);
/* A NUL-terminated copy of the input; free(3) it. */
char	*xcs_fuzz_string(const uint8_t *, size_t);
/* An invariant the target checks: abort, which the fuzzer reports. */
void	xcs_fuzz_assert(int, const char *);

/* What errx and exit become in a program compiled into a target. */
__attribute__((__noreturn__, __format__(__printf__, 2, 3)))
void	xcs_fuzz_errx(int, const char *, ...);
__attribute__((__noreturn__)) void xcs_fuzz_exit(int);

#endif /* _XCS_FUZZ_H_ */
