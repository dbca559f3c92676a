/*	xcallsim: sys/mutex.h	*/

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
 * mutex(9) as sys/mutex.h 1.23: a spinning lock that raises the IPL
 * before it spins.  In a MULTIPROCESSOR kernel every mutex runs at
 * IPL_MPFLOOR or above.  Waiters spin with CPU_BUSY_CYCLE (and so take
 * IPIs the raised IPL allows); they are not parked.
 */

#ifndef _SYS_MUTEX_H_
#define _SYS_MUTEX_H_

#include <sys/param.h>

#include <machine/intrdefs.h>

struct mutex {
	void *volatile	mtx_owner;	/* [a] owning struct cpu_info */
	int		mtx_wantipl;
	int		mtx_oldipl;
};

#ifdef MULTIPROCESSOR
#define __MUTEX_IPL(ipl)						\
	(((ipl) < IPL_MPFLOOR) ? IPL_MPFLOOR : (ipl))
#else
#define __MUTEX_IPL(ipl)	(ipl)
#endif

#define MUTEX_INITIALIZER(ipl)	{ NULL, __MUTEX_IPL((ipl)), IPL_NONE }

void	__mtx_init(struct mutex *, int);
#define mtx_init(mtx, ipl)	__mtx_init((mtx), __MUTEX_IPL((ipl)))

void	mtx_enter(struct mutex *);
int	mtx_enter_try(struct mutex *);
void	mtx_leave(struct mutex *);

int	mtx_owned(struct mutex *);
#define MUTEX_OLDIPL(mtx)	((mtx)->mtx_oldipl)

#define MUTEX_ASSERT_LOCKED(mtx) do {					\
	if (!mtx_owned(mtx) && panicstr == NULL && db_active == 0)	\
		panic("mutex %p not held in %s", (mtx), __func__);	\
} while (0)

#define MUTEX_ASSERT_UNLOCKED(mtx) do {					\
	if (mtx_owned(mtx) && panicstr == NULL && db_active == 0)	\
		panic("mutex %p held in %s", (mtx), __func__);		\
} while (0)

#endif /* _SYS_MUTEX_H_ */
