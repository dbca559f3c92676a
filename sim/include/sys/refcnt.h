/*	xcallsim: sys/refcnt.h	*/

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

/* refcnt(9) as sys/refcnt.h 1.16. */

#ifndef _SYS_REFCNT_H_
#define _SYS_REFCNT_H_

struct refcnt {
	unsigned int	r_refs;
	int		r_traceidx;
};

#define REFCNT_INITIALIZER()		{ .r_refs = 1, .r_traceidx = 0 }

void	refcnt_init(struct refcnt *);
void	refcnt_init_trace(struct refcnt *, int);
unsigned int refcnt_read(const struct refcnt *);
void	refcnt_take(struct refcnt *);
int	refcnt_rele(struct refcnt *);
void	refcnt_rele_wake(struct refcnt *);
void	refcnt_finalize(struct refcnt *, const char *);

#define refcnt_shared(_r)		(refcnt_read((_r)) > 1)

#endif /* _SYS_REFCNT_H_ */
