/*	xcallsim: sim/fault.c, seeded fault injection	*/

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
 * Fault injection.  Stress alone rarely lands in a window two events
 * deep; these knobs put the machine there on purpose, each with a
 * probability per chance, from a seeded generator per CPU:
 *
 *	drop=P		an xcall IPI is never sent
 *	delay=P[:US]	the sender waits up to US microseconds (default
 *			100) between marking the IPI and ringing
 *	dup=P		the IPI is sent twice
 *	early=P		an xcall IPI reaches the target before the xcall
 *			is in its slot
 *	spurious=P	with each IPI, another CPU gets an xcall IPI with
 *			nothing in its slots
 *	stall=P[:IPL[:US]]	a CPU taking an IPI first sits at IPL
 *			(default IPL_HIGH) for US microseconds (default
 *			1000), as Linux's test_csd_lock does
 *	sihold=P[:US]	softintr_schedule() keeps the MI softintr lock
 *			(an IPL_HIGH mutex) for US more microseconds
 *			(default 1000), spinning as a CPU would, so an
 *			IPI may arrive while it is held
 *	widen=P[:US]	a dispatch pass stops for up to US microseconds
 *			(default 100) right after it touches a slot,
 *			between taking an xcall and clearing its slot in
 *			a file that does those apart; see watch.c
 *	raise=P[:IPL]	a caller of cpu_xcall() posts at a raised IPL,
 *			one of those above its own up to IPL (default
 *			IPL_HIGH) at random, from its first try at a slot
 *			until it has sent the IPI
 *	seed=N		the generators' seed (default 1)
 *
 * The specification comes from xc_faults or XCALLSIM_FAULTS, as
 * "seed=7,delay=0.01:500,dup=0.01".  Everything here runs on the CPU's
 * own thread, in the IPI path too: a per-CPU generator, atomics,
 * clock_gettime and nanosleep only.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xcs.h"

struct xcs_faults xcs_faults;

static void	xcs_fault_sihold(struct cpu_info *);
static int	xcs_fault_drop(struct cpu_info *, struct cpu_info *);
static void	xcs_fault_ipi_arrives(struct cpu_info *);

/* A probability as a threshold on 32 random bits. */
static int
xcs_fault_prob(const char *s, uint32_t *out)
{
	char *end;
	double p;

	errno = 0;
	p = strtod(s, &end);
	if (end == s || errno != 0 || p < 0 || p > 1 ||
	    (*end != '\0' && *end != ':'))
		return (-1);
	*out = p >= 1 ? UINT32_MAX : (uint32_t)(p * 4294967296.0);
	return (0);
}

/* ":N" after a probability, within [lo, hi]; absent leaves *out. */
static int
xcs_fault_arg(const char **s, unsigned long lo, unsigned long hi,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	if (**s != ':')
		return (0);
	errno = 0;
	v = strtoul(*s + 1, &end, 10);
	if (end == *s + 1 || errno != 0 || v < lo || v > hi)
		return (-1);
	*out = v;
	*s = end;
	return (0);
}

static int
xcs_fault_ipl(const char **s, unsigned long *out)
{
	int ipl;

	if (**s != ':' || strncmp(*s + 1, "IPL_", 4) != 0)
		return (xcs_fault_arg(s, IPL_NONE, IPL_IPI, out));
	for (ipl = IPL_NONE; ipl <= IPL_IPI; ipl++) {
		const char *name = xcs_ipl_name(ipl);
		size_t len = strlen(name);

		if (strncmp(*s + 1, name, len) == 0 &&
		    ((*s)[len + 1] == '\0' || (*s)[len + 1] == ':')) {
			*out = ipl;
			*s += len + 1;
			return (0);
		}
	}
	return (-1);
}

/* "P[:us]": a probability and a time of at most max microseconds. */
static int
xcs_fault_prob_us(const char *val, const char *rest, unsigned long max,
    uint32_t *p, unsigned int *us)
{
	unsigned long v = *us;

	if (xcs_fault_prob(val, p) || xcs_fault_arg(&rest, 1, max, &v) ||
	    *rest)
		return (-1);
	*us = v;
	return (0);
}

/* One "name=value" of the specification. */
static int
xcs_fault_item(struct xcs_faults *f, char *item)
{
	char *val = strchr(item, '=');
	const char *rest;
	unsigned long v;
	char *end;

	if (val == NULL)
		return (-1);
	*val++ = '\0';
	if (strcmp(item, "seed") == 0) {
		errno = 0;
		f->f_seed = strtoull(val, &end, 10);
		return (end == val || *end != '\0' || errno != 0 ? -1 : 0);
	}
	rest = strchr(val, ':') != NULL ? strchr(val, ':') : "";
	if (strcmp(item, "drop") == 0)
		return (xcs_fault_prob(val, &f->f_drop) || *rest ? -1 : 0);
	if (strcmp(item, "dup") == 0)
		return (xcs_fault_prob(val, &f->f_dup) || *rest ? -1 : 0);
	if (strcmp(item, "early") == 0)
		return (xcs_fault_prob(val, &f->f_early) || *rest ? -1 : 0);
	if (strcmp(item, "spurious") == 0)
		return (xcs_fault_prob(val, &f->f_spurious) || *rest ?
		    -1 : 0);
	if (strcmp(item, "delay") == 0)
		return (xcs_fault_prob_us(val, rest, 1000000, &f->f_delay,
		    &f->f_delay_us));
	if (strcmp(item, "widen") == 0)
		return (xcs_fault_prob_us(val, rest, 1000000, &f->f_widen,
		    &f->f_widen_us));
	if (strcmp(item, "sihold") == 0)
		return (xcs_fault_prob_us(val, rest, 10000000, &f->f_sihold,
		    &f->f_sihold_us));
	if (strcmp(item, "raise") == 0) {
		v = f->f_raise_ipl;
		if (xcs_fault_prob(val, &f->f_raise) ||
		    xcs_fault_ipl(&rest, &v) || *rest ||
		    v < IPL_SOFTCLOCK || v > IPL_HIGH)
			return (-1);
		f->f_raise_ipl = v;
		return (0);
	}
	if (strcmp(item, "stall") == 0) {
		v = f->f_stall_ipl;
		if (xcs_fault_prob(val, &f->f_stall) ||
		    xcs_fault_ipl(&rest, &v))
			return (-1);
		f->f_stall_ipl = v;
		v = f->f_stall_us;
		if (xcs_fault_arg(&rest, 1, 10000000, &v) || *rest)
			return (-1);
		f->f_stall_us = v;
		return (0);
	}
	return (-1);
}

/* What each fault's value must be, for the message about a bad one. */
static const struct {
	const char	*fh_name;
	const char	*fh_want;
} xcs_fault_hints[] = {
	{ "seed", "a number" },
	{ "drop", "a probability from 0 to 1" },
	{ "dup", "a probability from 0 to 1" },
	{ "early", "a probability from 0 to 1" },
	{ "spurious", "a probability from 0 to 1" },
	{ "delay", "P[:us]: a probability from 0 to 1, microseconds from 1 "
	    "to 1000000" },
	{ "widen", "P[:us]: a probability from 0 to 1, microseconds from 1 "
	    "to 1000000" },
	{ "sihold", "P[:us]: a probability from 0 to 1, microseconds from 1 "
	    "to 10000000" },
	{ "raise", "P[:IPL]: a probability from 0 to 1, IPL_SOFTCLOCK to "
	    "IPL_HIGH" },
	{ "stall", "P[:IPL[:us]]: a probability from 0 to 1, an IPL, "
	    "microseconds from 1 to 10000000" },
};

/* Say which item of spec is bad, and what it should have been. */
static void
xcs_fault_bad(const char *spec, const char *item)
{
	size_t i, len = strcspn(item, "=");

	for (i = 0; i < nitems(xcs_fault_hints); i++) {
		if (strlen(xcs_fault_hints[i].fh_name) == len &&
		    strncmp(item, xcs_fault_hints[i].fh_name, len) == 0) {
			xcs_seterr("xcs_boot: faults \"%s\": \"%s\": %s wants "
			    "%s", spec, item, xcs_fault_hints[i].fh_name,
			    xcs_fault_hints[i].fh_want);
			return;
		}
	}
	xcs_seterr("xcs_boot: faults \"%s\": \"%s\" is not one of seed=N, "
	    "drop, delay, dup, early, spurious, stall, sihold, raise, "
	    "widen (see xcallsim(3))", spec, item);
}

/* Parse cfg's specification into xcs_faults; EINVAL naming it if bad. */
int
xcs_faults_init(const struct xcs_config *cfg)
{
	struct xcs_faults f;
	char *copy, *list, *item, *saved = NULL;
	int bad = 0;

	memset(&f, 0, sizeof(f));
	f.f_seed = 1;
	f.f_delay_us = 100;
	f.f_stall_ipl = IPL_HIGH;
	f.f_stall_us = 1000;
	f.f_sihold_us = 1000;
	f.f_raise_ipl = IPL_HIGH;
	f.f_widen_us = 100;
	if (cfg->xc_faults != NULL && *cfg->xc_faults != '\0') {
		if ((copy = strdup(cfg->xc_faults)) == NULL)
			return (ENOMEM);
		list = copy;
		while (!bad && (item = strsep(&list, ",")) != NULL) {
			/* The item as given: parsing cuts it at the '='. */
			free(saved);
			if ((saved = strdup(item)) == NULL)
				break;
			bad = xcs_fault_item(&f, item) != 0;
		}
		if (bad)
			xcs_fault_bad(cfg->xc_faults, saved);
		free(saved);
		free(copy);
		if (bad)
			return (EINVAL);
		f.f_on = f.f_drop || f.f_delay || f.f_dup || f.f_early ||
		    f.f_spurious || f.f_stall || f.f_sihold ||
		    f.f_raise || f.f_widen;
	}
	xcs_faults = f;
	if (f.f_on) {
		xcs_hooks.xh_softintr_locked = xcs_fault_sihold;
		xcs_hooks.xh_ipi_drop = xcs_fault_drop;
		xcs_hooks.xh_ipi_arrives = xcs_fault_ipi_arrives;
		xcs_hooks.xh_post_done = xcs_fault_lower;
	}
	return (0);
}

void
xcs_faults_fini(void)
{
	xcs_hooks.xh_softintr_locked = NULL;
	xcs_hooks.xh_ipi_drop = NULL;
	xcs_hooks.xh_ipi_arrives = NULL;
	xcs_hooks.xh_post_done = NULL;
}

/* Seed CPU n's generator: splitmix64's n + 1st value from the seed. */
void
xcs_faults_seed(struct xcs_cpu *xc, unsigned int n)
{
	uint64_t state = xcs_faults.f_seed + XCS_SPLITMIX_GAMMA * n;

	xc->xc_rng = xcs_splitmix64(&state) | 1;
}

/*
 * xorshift64* on this CPU's state.  A nested handler may reuse a value
 * the interrupted code was about to use; that costs nothing here.
 */
uint32_t
xcs_fault_random(struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	uint64_t x = xc->xc_rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	xc->xc_rng = x;
	return ((uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32));
}

/* Whether the fault with threshold p strikes now, counted if it does. */
int
xcs_fault(struct cpu_info *ci, uint32_t p)
{
	if (p == 0 || ci == NULL || xcs_fault_random(ci) >= p)
		return (0);
	XCS_STAT_INC(ci, xs_faults);
	return (1);
}

/* A random CPU other than ci, or NULL on a machine of one. */
struct cpu_info *
xcs_fault_other_cpu(struct cpu_info *ci)
{
	unsigned int n = xcs_machine.xm_ncpus, pick;

	if (n < 2)
		return (NULL);
	pick = xcs_fault_random(ci) % (n - 1);
	if (pick >= ci->ci_cpuid)
		pick++;
	return (&xcs_machine.xm_cpus[pick]);
}

/* Up to us microseconds, chosen at random, in the host's sleep. */
void
xcs_fault_delay(struct cpu_info *ci, unsigned int us)
{
	struct timespec ts;
	unsigned int t = 1 + xcs_fault_random(ci) % us;

	ts.tv_sec = t / 1000000;
	ts.tv_nsec = (long)(t % 1000000) * 1000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

/*
 * The stall fault: sit at the configured IPL for the configured time
 * before taking the IPI, spinning as a CPU would.
 */
void
xcs_fault_stall(struct cpu_info *ci)
{
	int s;

	s = splraise(xcs_faults.f_stall_ipl);
	xcs_fault_spin(xcs_faults.f_stall_us);
	splx(s);
}

/*
 * The sihold fault, at softintr_schedule() holding softintr_lock: hold
 * it longer, so that an IPI may land while it is held.
 */
static void
xcs_fault_sihold(struct cpu_info *ci)
{
	if (xcs_fault(ci, xcs_faults.f_sihold))
		xcs_fault_spin(xcs_faults.f_sihold_us);
}

/* The drop fault, at x86_send_ipi from self: the IPI is lost. */
static int
xcs_fault_drop(struct cpu_info *self, struct cpu_info *ci)
{
	return (xcs_fault(self, xcs_faults.f_drop));
}

/*
 * The stall fault, as an IPI arrives at a CPU that will take it: sit
 * at a raised IPL first.  Not nested in itself.
 */
static void
xcs_fault_ipi_arrives(struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;

	if (!xc->xc_stalling && xcs_fault(ci, xcs_faults.f_stall)) {
		xc->xc_stalling = 1;
		xcs_fault_stall(ci);
		xc->xc_stalling = 0;
	}
}

/* Spin for us microseconds; interrupts the IPL allows are taken. */
void
xcs_fault_spin(unsigned int us)
{
	struct timespec t0, t;
	int64_t spun;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		CPU_BUSY_CYCLE();
		clock_gettime(CLOCK_MONOTONIC, &t);
		spun = (t.tv_sec - t0.tv_sec) * 1000000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000;
	} while (spun < us);
}

/*
 * The raise fault.  One word says whether a raise is under way, at
 * which interrupt depth and from which IPL, 1 + depth * NIPL + IPL, or
 * 0: a post in an interrupt handler on this CPU between raising and
 * lowering must see it whole, so it is set by one store before the IPL
 * goes up, and only the post at the same depth lowers.  volatile
 * sig_atomic_t, as for any word a signal handler on the same thread
 * reads: the store is one instruction, not moved across the calls.
 */
static __thread volatile sig_atomic_t xcs_raised;

void
xcs_fault_tls_touch(void)
{
	XCS_TLS_TOUCH(xcs_raised);
}

/* A post begins: perhaps raise its caller's IPL for the whole post. */
void
xcs_fault_raise(struct cpu_info *ci)
{
	int ilevel = ci->ci_ilevel, ipl;

	if (xcs_raised != 0 || ilevel >= xcs_faults.f_raise_ipl ||
	    !xcs_fault(ci, xcs_faults.f_raise))
		return;
	/* The levels amd64 names, above the caller's, at random. */
	do {
		ipl = ilevel + 1 +
		    xcs_fault_random(ci) % (xcs_faults.f_raise_ipl - ilevel);
	} while (strcmp(xcs_ipl_name(ipl), "IPL_?") == 0);
	xcs_raised = 1 + ci->ci_idepth * NIPL + ilevel;
	(void)splraise(ipl);
}

/* The post raised by xcs_fault_raise() has sent its IPI: lower again. */
void
xcs_fault_lower(struct cpu_info *ci)
{
	int raised = xcs_raised;

	if (raised == 0 || (raised - 1) / NIPL != ci->ci_idepth)
		return;
	xcs_raised = 0;
	splx((raised - 1) % NIPL);
}
