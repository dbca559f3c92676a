/*	xcallsim: sim/kern/amd64/intr.c, spl(9) and interrupt delivery */

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
 * spl(9) and interrupt delivery for the simulated amd64.
 *
 * Each CPU has a level, ci_ilevel, that only its own spl calls and its
 * own interrupt handlers change, and a word of pending sources,
 * ci_ipending, that only it sets and clears.  A host signal interrupts
 * the CPU's thread at any instruction, so the code here is written for
 * that: lowering stores the new level first and then looks for pending
 * sources, and a source's bit is cleared with an atomic fetch-and so
 * that exactly one of the thread and a nested handler runs it.  That
 * gives amd64's Xspllower without disabling interrupts: an IPI that
 * arrives before the store is recorded and found by the check, one that
 * arrives after it runs at once.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"
#include "md.h"

/*
 * A handler record: the level intr_calculatemasks() reads to decide
 * which levels unmask the sources that share it.
 */
struct xcs_intrhand {
	int			 ih_level;
};

/*
 * One interrupt source: a bit in ci_ipending.  is_level is the level
 * its stub runs it at, is_ih the record the masks are computed from;
 * is_handled says whether the stub sets ci_handled_intr_level, as
 * dosoftint() and intr_handler() do and Xxcallintr does not.
 */
struct xcs_intrsource {
	int			 is_level;
	struct xcs_intrhand	*is_ih;
	int			 is_handled;
	void			(*is_run)(struct cpu_info *);
	const char		*is_name;
};

struct xcs_intr_bits xcs_intr_bits;
static struct xcs_intrsource xcs_sources[MAX_INTR_SOURCES];
static struct xcs_intrhand xcs_handlers[MAX_INTR_SOURCES];
/* For each level, the sources it leaves unmasked (amd64's ci_iunmask). */
static u_int64_t xcs_iunmask[NIPL];
static int xcs_softintr_to_ssir[NSOFTINTR];

int splassert_ctl = 4;

static const char *const ipl_names[NIPL] = {
	[IPL_NONE] = "IPL_NONE",
	[IPL_SOFTCLOCK] = "IPL_SOFTCLOCK",
	[IPL_SOFTNET] = "IPL_SOFTNET",
	[IPL_BIO] = "IPL_BIO",
	[IPL_NET] = "IPL_NET",
	[IPL_SOFTTTY] = "IPL_SOFTTTY",
	[IPL_TTY] = "IPL_TTY",
	[IPL_VM] = "IPL_VM",
	[IPL_AUDIO] = "IPL_AUDIO",
	[IPL_CLOCK] = "IPL_CLOCK",
	[IPL_HIGH] = "IPL_HIGH",
	[IPL_IPI] = "IPL_IPI",
};

const char *
xcs_ipl_name(int ipl)
{
	if (ipl < 0 || ipl >= NIPL || ipl_names[ipl] == NULL)
		return ("IPL_?");
	return (ipl_names[ipl]);
}

#ifdef MULTIPROCESSOR
/* SIR_XCALL: the November 2025 glue's Xxcallintr. */
static void
xcs_softxcall(struct cpu_info *ci)
{
	if (XCS_HOOKED(xh_dispatch_begin))
		XCS_HOOK(xh_dispatch_begin)(ci);
	xcs_md_dispatch(ci);
	if (XCS_HOOKED(xh_dispatch_end))
		XCS_HOOK(xh_dispatch_end)();
}
#endif

/* SIR_CLOCK, SIR_NET and SIR_TTY: amd64's Xsoft* stubs. */
static void
xcs_softclock(struct cpu_info *ci)
{
	softintr_dispatch(SOFTINTR_CLOCK);
}

static void
xcs_softnet(struct cpu_info *ci)
{
	softintr_dispatch(SOFTINTR_NET);
}

static void
xcs_softtty(struct cpu_info *ci)
{
	softintr_dispatch(SOFTINTR_TTY);
}

/* A source with a handler record of its own. */
static void
xcs_source_set(int bit, int level, void (*run)(struct cpu_info *),
    const char *name)
{
	struct xcs_intrsource *is = &xcs_sources[bit];

	is->is_level = level;
	is->is_ih = &xcs_handlers[bit];
	is->is_ih->ih_level = level;
	is->is_handled = 1;
	is->is_run = run;
	is->is_name = name;
}

#ifdef MULTIPROCESSOR
/*
 * The xcall source as amd64's intr.c 1.64 sets it up: cpu_intr_init
 * gives SIR_XCALL the LIR_IPI source's "fake IPI" handler record and
 * then sets that record's level to IPL_SOFTCLOCK, so the masks computed
 * after it unmask a pending LIR_IPI only below IPL_SOFTCLOCK, at
 * IPL_NONE.  (The IPI's stub still runs it at IPL_IPI, and delivery
 * still compares against IPL_IPI: only the replay of a held IPI moves.)
 * Xxcallintr does not set ci_handled_intr_level.
 */
static void
xcs_source_share_ipi_record(void)
{
	struct xcs_intrsource *is = &xcs_sources[SIR_XCALL];

	is->is_ih = xcs_sources[LIR_IPI].is_ih;
	is->is_ih->ih_level = IPL_SOFTCLOCK;
	is->is_handled = 0;
}
#endif

/*
 * Where the soft sources sit in ci_ipending: kettenis's layout, which
 * was committed, SIR_XCALL next to SIR_CLOCK above it; or dlg's
 * proposal, SIR_XCALL at 58 below SIR_TTY.
 */
static void
xcs_sir_layout(int proposal)
{
	if (proposal) {
		xcs_intr_bits.sir_clock = 61;
		xcs_intr_bits.sir_net = 60;
		xcs_intr_bits.sir_tty = 59;
		xcs_intr_bits.sir_xcall = 58;
	} else {
		xcs_intr_bits.sir_xcall = 61;
		xcs_intr_bits.sir_clock = 60;
		xcs_intr_bits.sir_net = 59;
		xcs_intr_bits.sir_tty = 58;
	}
}

/*
 * Lay out the sources and compute, for each level, the sources it
 * leaves unmasked (amd64's ci_iunmask), from their handler records as
 * intr_calculatemasks() does.
 */
void
xcs_md_attach(int model, int proposal_layout)
{
	int bit, ipl;

	xcs_sir_layout(proposal_layout);
	for (bit = 0; bit < MAX_INTR_SOURCES; bit++)
		xcs_source_set(bit, 0, NULL, NULL);
#ifdef MULTIPROCESSOR
	xcs_source_set(LIR_IPI, IPL_IPI, xcs_ipi_source, "ipi");
	xcs_source_set(SIR_XCALL, IPL_SOFTCLOCK, xcs_softxcall, "softxcall");
	if (model == XCSHYPER_MD_AMD64_164)
		xcs_source_share_ipi_record();
#endif
	xcs_source_set(SIR_CLOCK, IPL_SOFTCLOCK, xcs_softclock, "softclock");
	xcs_source_set(SIR_NET, IPL_SOFTNET, xcs_softnet, "softnet");
	xcs_source_set(SIR_TTY, IPL_SOFTTTY, xcs_softtty, "softtty");

	xcs_softintr_to_ssir[SOFTINTR_CLOCK] = SIR_CLOCK;
	xcs_softintr_to_ssir[SOFTINTR_NET] = SIR_NET;
	xcs_softintr_to_ssir[SOFTINTR_TTY] = SIR_TTY;

	for (ipl = 0; ipl < NIPL; ipl++) {
		xcs_iunmask[ipl] = 0;
		for (bit = 0; bit < MAX_INTR_SOURCES; bit++) {
			if (xcs_sources[bit].is_run != NULL &&
			    xcs_sources[bit].is_ih->ih_level > ipl)
				xcs_iunmask[ipl] |= 1UL << bit;
		}
	}
}

/* A CPU's interrupt state at attach: IPL_NONE, the masks above. */
void
xcs_md_cpu_attach(struct cpu_info *ci)
{
	int ipl;

	ci->ci_ilevel = IPL_NONE;
	for (ipl = 0; ipl < NIPL; ipl++) {
		ci->ci_iunmask[ipl] = xcs_iunmask[ipl];
		ci->ci_imask[ipl] = ~xcs_iunmask[ipl];
	}
}

static inline int
xcs_ilevel(struct cpu_info *ci)
{
	return (xcs_atomic_load(&ci->ci_ilevel));
}

static inline void
xcs_set_ilevel(struct cpu_info *ci, int ipl)
{
	/*
	 * Only this CPU writes its level; the atomic store is for the
	 * CPUs and monitors that read it for diagnostics.  The volatile
	 * access also keeps the compiler from moving it past the check
	 * of ci_ipending that follows in xcs_spl_lower().
	 */
	int old = xcs_ilevel(ci);

	xcs_atomic_store(&ci->ci_ilevel, ipl);
	if (old != ipl)
		xcs_tr_spl(ci, old);
}

/*
 * Run one source at its level, as amd64's is_recurse stubs do: raise to
 * the source's level, count the interrupt depth, call the handler.
 * Nested handlers undo what they change, so the plain increments are
 * safe against them; the atomic stores are for readers on other CPUs.
 * What the CPU is doing, for the host's reports, is the source's name.
 */
static void
xcs_run_source(struct cpu_info *ci, struct xcs_intrsource *is)
{
	const char *doing;
	int handled;

	handled = ci->ci_handled_intr_level;
	xcs_atomic_store(&ci->ci_idepth, ci->ci_idepth + 1);
	if (is->is_handled)
		xcs_atomic_store(&ci->ci_handled_intr_level, is->is_level);
	doing = xcs_cpu_doing(ci, is->is_name);
	xcs_tr_intr(ci, is->is_name);

	is->is_run(ci);

	xcs_tr_intr_end(ci, is->is_name);
	(void)xcs_cpu_doing(ci, doing);
	xcs_atomic_store(&ci->ci_handled_intr_level, handled);
	xcs_atomic_store(&ci->ci_idepth, ci->ci_idepth - 1);
}

/*
 * Run the IPI source, and count the IPI if it left soft work pending
 * that the level it returns to (s) still masks.
 */
static void
xcs_run_ipi(struct cpu_info *ci, struct xcs_intrsource *is, int s)
{
	u_int64_t before, raised;

	before = xcs_atomic_load(&ci->ci_ipending);
	xcs_run_source(ci, is);
	raised = xcs_atomic_load(&ci->ci_ipending) & ~before;
	if (raised & ~xcs_iunmask[s])
		xcs_count(ci, XCS_CNT_SOFT_DEFERRED);
}

/*
 * Lower this CPU to ipl and run every pending source that ipl unmasks,
 * highest bit first, each at its own level, as amd64's Xspllower and
 * Xdoreti do.  Nothing is lost between the check and the lowering: the
 * level is stored before ci_ipending is read.
 */
void
xcs_spl_lower(struct cpu_info *ci, int ipl)
{
	struct xcs_intrsource *is;
	u_int64_t pending, bit;
	int n;

	for (;;) {
		xcs_set_ilevel(ci, ipl);
		pending = xcs_atomic_load(&ci->ci_ipending) & xcs_iunmask[ipl];
		if (pending == 0)
			return;

		n = 63 - __builtin_clzl(pending);
		bit = 1UL << n;
		is = &xcs_sources[n];

		/*
		 * Raise to the source's level before claiming its bit, so
		 * a handler nesting from here on leaves it to us.  If a
		 * handler that nested before the raise already ran it,
		 * the fetch-and tells us.
		 */
		xcs_set_ilevel(ci, is->is_level);
		if ((xcs_atomic_fetch_and(&ci->ci_ipending, ~bit) & bit) == 0)
			continue;
		if (n == LIR_IPI)
			xcs_run_ipi(ci, is, ipl);
		else
			xcs_run_source(ci, is);
	}
}

/*
 * An IPI arrives, from the host signal or from the CPU noticing its
 * doorbell while spinning or waiting.  Above IPL_IPI it is only
 * recorded; otherwise it runs at IPL_IPI and, on the way out, whatever
 * the interrupted level unmasks runs too, as on return from a hardware
 * interrupt.
 */
void
xcs_intr_ipi(struct cpu_info *ci)
{
#ifdef MULTIPROCESSOR
	struct xcs_intrsource *is = &xcs_sources[LIR_IPI];
	int s;

	/* After a panic the other CPUs stop taking interrupts. */
	if (xcs_panicked())
		return;

	s = xcs_ilevel(ci);
	if (s >= IPL_IPI) {
		xcs_count(ci, XCS_CNT_IPI_DEFERRED);
		xcs_tr_defer(ci);
		x86_atomic_setbits_u64(&ci->ci_ipending, 1UL << LIR_IPI);
		return;
	}

	/* The stall fault. */
	if (XCS_HOOKED(xh_ipi_arrives))
		XCS_HOOK(xh_ipi_arrives)(ci);

	xcs_set_ilevel(ci, IPL_IPI);
	xcs_run_ipi(ci, is, s);
	xcs_spl_lower(ci, s);
#endif
}

/*
 * Take an IPI whose bit is set in ci_ipis, if the level allows.  Called
 * where a real CPU would notice an interrupt without help: spinning,
 * polling, waking up.  The load is an atomic, which is also where TSan
 * delivers a signal it held back.
 */
/*
 * Whether ci holds an IPI it took (LIR_IPI pending) at a level below
 * IPL_IPI, where a new IPI would be taken at once: only amd64-1.64's
 * masks leave one held there for longer than an spl call.
 */
int
xcs_ipi_held_below_ipi(struct cpu_info *ci)
{
	return ((xcs_atomic_load(&ci->ci_ipending) & (1UL << LIR_IPI)) != 0 &&
	    xcs_ilevel(ci) < IPL_IPI);
}

int
xcs_doorbell_rings(struct cpu_info *ci)
{
	/*
	 * An IPI already taken and held (LIR_IPI pending) is the spl
	 * code's to replay: the interrupt controller does not deliver it
	 * again, whatever the level (amd64-1.64 holds one below IPL_IPI).
	 */
	return (xcs_atomic_load(&ci->ci_ipis) != 0 &&
	    xcs_ilevel(ci) < IPL_IPI &&
	    (xcs_atomic_load(&ci->ci_ipending) & (1UL << LIR_IPI)) == 0);
}

void
xcs_doorbell(struct cpu_info *ci)
{
	if (xcs_doorbell_rings(ci))
		xcs_intr_ipi(ci);
}

int
splraise(int ipl)
{
	struct cpu_info *ci = curcpu();
	int s;

	xcs_replay_at(XCS_RP_READ);
	KASSERT(ipl >= 0);
	if (ipl >= NIPL)
		panic("splraise: cpu%u: no such IPL %d (at %s)",
		    ci->ci_cpuid, ipl, xcs_ipl_name(xcs_ilevel(ci)));

	s = xcs_ilevel(ci);
	if (ipl > s)
		xcs_set_ilevel(ci, ipl);
	return (s);
}

int
spllower(int ipl)
{
	struct cpu_info *ci = curcpu();
	int s;

	xcs_replay_at(XCS_RP_READ);
	s = xcs_ilevel(ci);
	if (ipl < 0 || ipl > s)
		panic("splx: cpu%u: %s(%d) would raise the IPL from %s; "
		    "splx only lowers", ci->ci_cpuid, xcs_ipl_name(ipl), ipl,
		    xcs_ipl_name(s));

	xcs_spl_lower(ci, ipl);
	return (s);
}

void
splassert_fail(int wantipl, int haveipl, const char *func)
{
	printf("splassert: %s: want %d have %d\n", func, wantipl, haveipl);
	switch (splassert_ctl) {
	case 1:
		break;
	case 2:
	case 3:
		xcs_dump_cpus();
		break;
	default:
		panic("spl assertion failure in %s", func);
	}
}

void
splassert_check(int wantipl, const char *func)
{
	struct cpu_info *ci = curcpu();
	int ilevel = xcs_ilevel(ci);

	if (ilevel < wantipl)
		splassert_fail(wantipl, ilevel, func);
	if (ci->ci_handled_intr_level > wantipl)
		splassert_fail(wantipl, ci->ci_handled_intr_level, func);
}

/* Post a soft interrupt on this CPU, as amd64's softintr(). */
void
softintr(int si)
{
	struct cpu_info *ci = curcpu();

	KASSERT(si >= 0 && si < NSOFTINTR);
	x86_atomic_setbits_u64(&ci->ci_ipending,
	    1UL << xcs_softintr_to_ssir[si]);
}
