/*	xcallsim: tests/fuzz/fuzz.c, what the fuzz targets share	*/

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

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

jmp_buf xcs_fuzz_top;
char xcs_fuzz_msg[256];

char *
xcs_fuzz_string(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return (s);
}

int
xcs_fuzz_argv(const uint8_t *data, size_t size, const char *prog,
    char **argv)
{
	const uint8_t *line, *end = data + size, *nl;
	int argc = 0;

	argv[argc++] = xcs_fuzz_string((const uint8_t *)prog, strlen(prog));
	for (line = data; line < end && argc <= XCS_FUZZ_MAXARGS;
	    line = nl + 1) {
		if ((nl = memchr(line, '\n', end - line)) == NULL)
			nl = end;
		argv[argc++] = xcs_fuzz_string(line, nl - line);
	}
	argv[argc] = NULL;
	return (argc);
}

void
xcs_fuzz_free(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
}

void
xcs_fuzz_assert(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz: broken: %s\n", what);
		abort();
	}
}

void
xcs_fuzz_errx(int eval, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(xcs_fuzz_msg, sizeof(xcs_fuzz_msg), fmt, ap);
	va_end(ap);
	longjmp(xcs_fuzz_top, 1);
}

void
xcs_fuzz_exit(int status)
{
	snprintf(xcs_fuzz_msg, sizeof(xcs_fuzz_msg), "exit %d", status);
	longjmp(xcs_fuzz_top, status == 0 ? 2 : 3);
}
