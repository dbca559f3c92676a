/*	xcallsim: sys/malloc.h, the kernel's malloc(9)	*/

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
 * malloc(9) and free(9) with the kernel's arguments.  The host process
 * has a malloc and a free of its own, so the kernel's are macros for
 * xcs_malloc and xcs_free (sim/kern/kern_malloc.c); a kernel file that
 * calls the host's one-argument free does not compile.
 */

#ifndef _SYS_MALLOC_H_
#define _SYS_MALLOC_H_

#include <sys/types.h>

#define M_DEVBUF	2	/* device driver memory */

#define M_WAITOK	0x0001
#define M_NOWAIT	0x0002
#define M_CANFAIL	0x0004
#define M_ZERO		0x0008

void	*xcs_malloc(size_t, int, int);
void	 xcs_free(void *, int, size_t);

#define malloc(_size, _type, _flags)	xcs_malloc((_size), (_type), (_flags))
#define free(_addr, _type, _size)	xcs_free((_addr), (_type), (_size))

#endif /* _SYS_MALLOC_H_ */
