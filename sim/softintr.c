/*	xcallsim: sim/softintr.c, the MI soft interrupts	*/

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
 * The MI soft interrupt code of kern_softintr.c 1.1, kept faithful: one
 * global queue per soft level and one IPL_HIGH mutex over all of them.
 * softintr_schedule() queues a handler and posts the level on the
 * calling CPU; whichever CPU next runs that level drains the queue.
 *
 * That is what the earlier xcall glue relied on, and what made it wrong:
 * an IPI (IPL_IPI is above IPL_HIGH) arriving while its CPU holds
 * softintr_lock re-enters mtx_enter, and another CPU draining the global
 * queue runs this CPU's xcall handler.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/mutex.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <stdlib.h>

#include <urcu/list.h>

#include "xcs.h"

#define SIF_QUEUED	0x0001		/* on a queue */
#define SIF_RESTART	0x0002		/* scheduled while running */
#define SIF_DYING	0x0004		/* being disestablished */
#define SIF_MPSAFE	0x0100		/* no KERNEL_LOCK needed */

struct softintr_handler {
	struct cds_list_head	 sih_q;		/* [L] queue link */
	struct cds_list_head	 sih_all;	/* [L] softintr_all link */
	void			(*sih_func)(void *);
	void			*sih_arg;
	struct cpu_info		*sih_runner;	/* [L] CPU running it */
	int			 sih_level;	/* SOFTINTR_* */
	int			 sih_flags;	/* [L] SIF_* */
};

static struct cds_list_head softintr_queue[NSOFTINTR];
/* Every handler established, for the machine's shutdown to free. */
static struct cds_list_head softintr_all = CDS_LIST_HEAD_INIT(softintr_all);
static struct mutex softintr_lock = MUTEX_INITIALIZER(IPL_HIGH);

void
softintr_init(void)
{
	int i;

	for (i = 0; i < NSOFTINTR; i++)
		CDS_INIT_LIST_HEAD(&softintr_queue[i]);
	mtx_init(&softintr_lock, IPL_HIGH);
}

void *
softintr_establish(int ipl, void (*func)(void *), void *arg)
{
	struct softintr_handler *sih;
	int level, flags = 0;

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

	/* malloc(M_DEVBUF, M_NOWAIT): may fail, as upstream. */
	sih = calloc(1, sizeof(*sih));
	if (sih == NULL)
		return (NULL);
	sih->sih_func = func;
	sih->sih_arg = arg;
	sih->sih_level = level;
	sih->sih_flags = flags;
	mtx_enter(&softintr_lock);
	cds_list_add(&sih->sih_all, &softintr_all);
	mtx_leave(&softintr_lock);
	return (sih);
}

/*
 * The machine goes away with its CPUs stopped: free what was never
 * disestablished, as the xcall softintrs of the earlier generation
 * never are.
 */
void
xcs_softintr_free_all(void)
{
	struct softintr_handler *sih, *next;

	cds_list_for_each_entry_safe(sih, next, &softintr_all, sih_all) {
		cds_list_del(&sih->sih_all);
		free(sih);
	}
}

static void
softintr_queue_locked(struct softintr_handler *sih)
{
	cds_list_add_tail(&sih->sih_q, &softintr_queue[sih->sih_level]);
	sih->sih_flags |= SIF_QUEUED;
	softintr(sih->sih_level);
}

void
softintr_schedule(void *arg)
{
	struct softintr_handler *sih = arg;

	mtx_enter(&softintr_lock);
	/* The sihold fault: an IPI may land while the lock is held. */
	if (xcs_faults.f_on && xcs_fault(curcpu(), xcs_faults.f_sihold))
		xcs_fault_spin(xcs_faults.f_sihold_us);
	if ((sih->sih_flags & SIF_DYING) == 0) {
		if (sih->sih_runner != NULL)
			sih->sih_flags |= SIF_RESTART;
		else if ((sih->sih_flags & SIF_QUEUED) == 0)
			softintr_queue_locked(sih);
	}
	mtx_leave(&softintr_lock);
}

void
softintr_dispatch(int level)
{
	struct cds_list_head *q = &softintr_queue[level];
	struct softintr_handler *sih;

	mtx_enter(&softintr_lock);
	while (!cds_list_empty(q)) {
		sih = cds_list_first_entry(q, struct softintr_handler, sih_q);
		cds_list_del(&sih->sih_q);
		sih->sih_flags &= ~SIF_QUEUED;
		sih->sih_runner = curcpu();
		mtx_leave(&softintr_lock);

		/* The earlier glue's xcall handler takes a cpu_info's slots. */
		if (xcs_faults.f_widen)
			xcs_watch_begin(sih->sih_arg);
		(*sih->sih_func)(sih->sih_arg);
		if (xcs_faults.f_widen)
			xcs_watch_end();

		mtx_enter(&softintr_lock);
		sih->sih_runner = NULL;
		if (sih->sih_flags & SIF_RESTART) {
			sih->sih_flags &= ~SIF_RESTART;
			if ((sih->sih_flags & SIF_DYING) == 0)
				softintr_queue_locked(sih);
		}
	}
	mtx_leave(&softintr_lock);
}

static int
softintr_runner(struct softintr_handler *sih)
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
	sih->sih_flags |= SIF_DYING;
	cds_list_del(&sih->sih_all);
	if (sih->sih_flags & SIF_QUEUED) {
		cds_list_del(&sih->sih_q);
		sih->sih_flags &= ~SIF_QUEUED;
	}
	mtx_leave(&softintr_lock);

	/* sched_barrier(runner): wait until no CPU is running it. */
	while (softintr_runner(sih))
		CPU_BUSY_CYCLE();

	free(sih);
}
