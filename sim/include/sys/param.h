/*	xcallsim: sys/param.h	*/

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
 * The parts of sys/param.h the xcall code and its callers use.  This
 * header shadows glibc's <sys/param.h>; the basic types still come from
 * glibc's <sys/types.h>.
 */

#ifndef _SYS_PARAM_H_
#define _SYS_PARAM_H_

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/*
 * Declared at file scope before <sys/xcall.h> can be included, so the
 * prototypes there name this struct and not a parameter-scope tag.
 */
struct cpu_info;
struct proc;

#define nitems(_a)	(sizeof((_a)) / sizeof((_a)[0]))

#ifndef MIN
#define MIN(a, b)	(((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b)	(((a) > (b)) ? (a) : (b))
#endif

#define SET(t, f)	((t) |= (f))
#define CLR(t, f)	((t) &= ~(f))
#define ISSET(t, f)	((t) & (f))

#ifndef __predict_true
#define __predict_true(exp)	__builtin_expect(((exp) != 0), 1)
#define __predict_false(exp)	__builtin_expect(((exp) != 0), 0)
#endif

/* Sleep priorities (sys/param.h). */
#define PSWP		0
#define PVM		4
#define PINOD		8
#define PRIBIO		16
#define PVFS		20
#define PZERO		22
#define PSOCK		24
#define PWAIT		32
#define PLOCK		36
#define PPAUSE		40
#define PUSER		50
#define PCATCH		0x100

#endif /* _SYS_PARAM_H_ */
