/*	xcallsim: sim/kern/softintr.c, the MI soft interrupts	*/

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
 * The MI soft interrupt code of kern_softintr.c 1.1 (2025/04/23),
 * written again from what is known of it (../shared/openbsd-api.md,
 * section 6; the file itself was not read): one global queue per soft
 * level under one IPL_HIGH mutex, the handler's state in sih_state,
 * SIS_PENDING while queued and SIS_RESTART when scheduled while it
 * runs.  softintr_schedule() queues a handler and posts the level on
 * the calling CPU; whichever CPU next runs that level drains the queue.
 *
 * That is what the earlier xcall glue relied on, and what made it wrong:
 * an IPI (IPL_IPI is above IPL_HIGH) arriving while its CPU holds
 * softintr_lock re-enters mtx_enter, and another CPU draining the global
 * queue runs this CPU's xcall handler.
 *
 * Ours, not upstream's: SIS_DYING, which makes a schedule racing a
 * disestablish do nothing, and the two hooks for the instruments (the
 * sihold fault while the lock is held, the widen fault's watchpoints
 * around a handler).
 *
 *	Locks used to protect struct members in this file:
 *		I	immutable after creation
 *		L	softintr_lock
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/queue.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"

struct softintr_handler {
	TAILQ_ENTRY(softintr_handler) sih_q;	/* [L] softintr_queue link */
	void			(*sih_func)(void *);	/* [I] */
	void			*sih_arg;	/* [I] */
	struct cpu_info		*sih_runner;	/* [L] CPU running it */
	int			 sih_level;	/* [I] SOFTINTR_* */
	int			 sih_flags;	/* [I] SIF_* */
	int			 sih_state;	/* [L] SIS_* */
};

#define SIF_MPSAFE	0x0001		/* no KERNEL_LOCK needed */

#define SIS_PENDING	0x0001		/* on softintr_queue */
#define SIS_RESTART	0x0002		/* scheduled while running */
#define SIS_DYING	0x0004		/* being disestablished */

TAILQ_HEAD(softintr_queue, softintr_handler);

static struct softintr_queue softintr_queue[NSOFTINTR];	/* [L] */
static struct mutex softintr_lock = MUTEX_INITIALIZER(IPL_HIGH);

void
softintr_init(void)
{
	int i;

	for (i = 0; i < NSOFTINTR; i++)
		TAILQ_INIT(&softintr_queue[i]);
	mtx_init(&softintr_lock, IPL_HIGH);
}

void *
softintr_establish(int ipl, void (*func)(void *), void *arg)
{
	struct softintr_handler *sih;
	int level, flags = 0;

	KASSERT(func != NULL);

	if (ipl & IPL_MPSAFE)
		flags |= SIF_MPSAFE;
	switch (ipl & ~IPL_MPSAFE) {
	case IPL_SOFTCLOCK:
		level = SOFTINTR_CLOCK;
		break;
	case IPL_SOFTNET:
		level = SOFTINTR_NET;
		break;
	case IPL_TTY:
	case IPL_SOFTTTY:
		level = SOFTINTR_TTY;
		break;
	default:
		panic("softintr_establish: unhandled ipl %d", ipl);
	}

	sih = malloc(sizeof(*sih), M_DEVBUF, M_NOWAIT | M_ZERO);
	if (sih == NULL)
		return (NULL);
	sih->sih_func = func;
	sih->sih_arg = arg;
	sih->sih_level = level;
	sih->sih_flags = flags;
	return (sih);
}

static void
softintr_queue_locked(struct softintr_handler *sih)
{
	MUTEX_ASSERT_LOCKED(&softintr_lock);
	KASSERT((sih->sih_state & SIS_PENDING) == 0);

	TAILQ_INSERT_TAIL(&softintr_queue[sih->sih_level], sih, sih_q);
	sih->sih_state |= SIS_PENDING;
	softintr(sih->sih_level);
}

void
softintr_schedule(void *arg)
{
	struct softintr_handler *sih = arg;

	mtx_enter(&softintr_lock);
	if (XCS_HOOKED(xh_softintr_locked))
		XCS_HOOK(xh_softintr_locked)(curcpu());
	if ((sih->sih_state & SIS_DYING) == 0) {
		if (sih->sih_runner != NULL)
			sih->sih_state |= SIS_RESTART;
		else if ((sih->sih_state & SIS_PENDING) == 0)
			softintr_queue_locked(sih);
	}
	mtx_leave(&softintr_lock);
}

/* Run one handler with the lock dropped, as the earlier glue needs. */
static void
softintr_run(struct softintr_handler *sih)
{
	/* The earlier glue's xcall handler takes a cpu_info's slots. */
	if (XCS_HOOKED(xh_dispatch_begin))
		XCS_HOOK(xh_dispatch_begin)(sih->sih_arg);
	(*sih->sih_func)(sih->sih_arg);
	if (XCS_HOOKED(xh_dispatch_end))
		XCS_HOOK(xh_dispatch_end)();
}

void
softintr_dispatch(int level)
{
	struct softintr_queue *queue;
	struct softintr_handler *sih;

	KASSERT(level >= 0 && level < NSOFTINTR);
	queue = &softintr_queue[level];

	mtx_enter(&softintr_lock);
	while ((sih = TAILQ_FIRST(queue)) != NULL) {
		KASSERT((sih->sih_state & SIS_PENDING) != 0);
		KASSERT(sih->sih_runner == NULL);
		TAILQ_REMOVE(queue, sih, sih_q);
		sih->sih_state &= ~SIS_PENDING;
		sih->sih_runner = curcpu();
		mtx_leave(&softintr_lock);

		softintr_run(sih);

		mtx_enter(&softintr_lock);
		KASSERT(sih->sih_runner == curcpu());
		sih->sih_runner = NULL;
		if (sih->sih_state & SIS_RESTART) {
			sih->sih_state &= ~SIS_RESTART;
			if ((sih->sih_state & SIS_DYING) == 0)
				softintr_queue_locked(sih);
		}
	}
	mtx_leave(&softintr_lock);
}

static int
softintr_running(struct softintr_handler *sih)
{
	struct cpu_info *runner;

	mtx_enter(&softintr_lock);
	runner = sih->sih_runner;
	mtx_leave(&softintr_lock);
	return (runner != NULL);
}

void
softintr_disestablish(void *arg)
{
	struct softintr_handler *sih = arg;

	assertwaitok();

	mtx_enter(&softintr_lock);
	KASSERT((sih->sih_state & SIS_DYING) == 0);
	sih->sih_state |= SIS_DYING;
	if (sih->sih_state & SIS_PENDING) {
		TAILQ_REMOVE(&softintr_queue[sih->sih_level], sih, sih_q);
		sih->sih_state &= ~SIS_PENDING;
	}
	mtx_leave(&softintr_lock);

	/* sched_barrier(runner): wait until no CPU is running it. */
	while (softintr_running(sih))
		CPU_BUSY_CYCLE();

	free(sih, M_DEVBUF, sizeof(*sih));
}
