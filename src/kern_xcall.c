/*	$OpenBSD$	*/
/*	xcallsim: kern_xcall.c	*/

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
 * cpu_xcall(9), the machine-independent part, as of the November 2025
 * split: the MD code calls cpu_xcall_dispatch() at IPL_SOFTCLOCK on the
 * target CPU, so nothing here runs at IPL_IPI.
 *
 * Differences from the upstream revision 1.2, each deliberate:
 *
 *  - cpu_xcall() issues membar_producer() before claiming a slot.  The
 *    sender's stores to the struct xcall (and to whatever xc_arg points
 *    at) must be visible before the target can see the pointer, and
 *    atomic_cas_ptr(9) promises no ordering; upstream relies on amd64's
 *    lock cmpxchg being a full barrier.
 *
 *  - cpu_xcall_dispatch() takes each slot with atomic_swap_ptr() instead
 *    of a plain load followed by a plain store of NULL.  With the plain
 *    pair, a second dispatch on the same CPU that ran between the load
 *    and the store (a nested one, or one on another CPU in the old
 *    softintr glue) would call the same xcall twice.  The swap hands each
 *    posted pointer to exactly one caller.  membar_consumer() after it
 *    pairs with the sender's membar_producer().
 *
 *  - cpu_xcall_sync() puts membar_exit() before the cond_signal() and
 *    membar_consumer() after the cond_wait(), so the caller sees every
 *    store the function made.  Upstream relies on TSO and on the
 *    scheduler lock inside cond_wait(9).
 *
 *  - cpu_xcall() asserts that the xcall and its function are not NULL,
 *    which upstream would only discover on the target CPU.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/intr.h>

void
cpu_xcall_set(struct xcall *xc, void (*func)(void *), void *arg)
{
	xc->xc_func = func;
	xc->xc_arg = arg;
}

/*
 * A CPU calling itself runs the function at once, at the level a remote
 * CPU would run it, and goes back to its own level.  A caller already
 * above IPL_SOFTCLOCK stays where it is: splraise never lowers.
 */
static void
cpu_xcall_self(struct xcall *xc)
{
	int s;

	s = splraise(IPL_SOFTCLOCK);
	(*xc->xc_func)(xc->xc_arg);
	splx(s);
}

#ifdef MULTIPROCESSOR

struct xcall_sync {
	struct xcall		 xsy_xc;
	struct cond		 xsy_cond;
};

void
cpu_xcall(struct cpu_info *ci, struct xcall *xc)
{
	struct xcall_cpu *xci = &ci->ci_xcall;
	size_t i;

	KASSERT(xc != NULL);
	KASSERT(xc->xc_func != NULL);

	if (ci == curcpu()) {
		cpu_xcall_self(xc);
		return;
	}

	/*
	 * Order the stores that set up the xcall before the store that
	 * publishes it in a slot; pairs with membar_consumer() in
	 * cpu_xcall_dispatch().
	 */
	membar_producer();

	for (;;) {
		for (i = 0; i < nitems(xci->xci_xcalls); i++) {
			if (atomic_cas_ptr(&xci->xci_xcalls[i],
			    NULL, xc) != NULL)
				continue;

			cpu_xcall_ipi(ci);
			return;
		}

		/*
		 * All four slots are taken.  The target empties them at
		 * IPL_SOFTCLOCK, so a caller spinning here above that
		 * level on a CPU the target is waiting for will never
		 * make progress.
		 */
		CPU_BUSY_CYCLE();
	}
}

static void
cpu_xcall_sync_task(void *arg)
{
	struct xcall_sync *xsy = arg;
	struct xcall *xc = &xsy->xsy_xc;

	(*xc->xc_func)(xc->xc_arg);

	/*
	 * Make the function's stores visible before the store that lets
	 * the caller return; pairs with membar_consumer() in
	 * cpu_xcall_sync().  xsy lives on the caller's stack and may be
	 * gone as soon as cond_signal() has cleared c_wait.
	 */
	membar_exit();
	cond_signal(&xsy->xsy_cond);
}

void
cpu_xcall_sync(struct cpu_info *ci, void (*func)(void *), void *arg,
    const char *wmesg)
{
	struct xcall_sync xsy = {
		.xsy_xc = XCALL_INITIALIZER(func, arg),
		.xsy_cond = COND_INITIALIZER(),
	};
	struct xcall xc = XCALL_INITIALIZER(cpu_xcall_sync_task, &xsy);

	cpu_xcall(ci, &xc);
	cond_wait(&xsy.xsy_cond, wmesg);

	/* Read nothing the function wrote before seeing c_wait cleared. */
	membar_consumer();
}

/*
 * Run on the target CPU at IPL_SOFTCLOCK by the MD code.  One pass over
 * the slots; each is emptied before its function is called, so the
 * function may post to this CPU again.
 */
void
cpu_xcall_dispatch(struct cpu_info *ci)
{
	struct xcall_cpu *xci = &ci->ci_xcall;
	struct xcall *xc;
	size_t i;

	for (i = 0; i < nitems(xci->xci_xcalls); i++) {
		/*
		 * Take the slot and empty it in one step, so the pointer
		 * is handed to exactly one dispatcher.
		 */
		xc = atomic_swap_ptr(&xci->xci_xcalls[i], NULL);
		if (xc == NULL)
			continue;

		/* Read the xcall only after taking the pointer. */
		membar_consumer();
		(*xc->xc_func)(xc->xc_arg);
	}
}

void
cpu_xcall_establish(struct cpu_info *ci)
{
	struct xcall_cpu *xci = &ci->ci_xcall;
	size_t i;

	for (i = 0; i < nitems(xci->xci_xcalls); i++)
		xci->xci_xcalls[i] = NULL;

	/* This generation needs no MI softintr. */
	xci->xci_softintr = NULL;
}

#else /* MULTIPROCESSOR */

/* A uniprocessor kernel has only itself to call. */

void
cpu_xcall(struct cpu_info *ci, struct xcall *xc)
{
	KASSERT(xc != NULL);
	KASSERT(xc->xc_func != NULL);

	cpu_xcall_self(xc);
}

void
cpu_xcall_sync(struct cpu_info *ci, void (*func)(void *), void *arg,
    const char *wmesg)
{
	struct xcall xc = XCALL_INITIALIZER(func, arg);

	cpu_xcall(ci, &xc);
}

#endif /* MULTIPROCESSOR */
