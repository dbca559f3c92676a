/*	xcallsim: examples/patterns.h	*/

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
 * The five ways to use cpu_xcall(9) from dlg@'s November 2025 mail,
 * written out correctly, plus a record of where the work ran.  Used by
 * the examples, the tests and the benchmark.
 */

#ifndef _PATTERNS_H_
#define _PATTERNS_H_

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/xcall.h>

#include <machine/cpu.h>

/*
 * What the work function saw, per CPU: how often it ran, and how often
 * it ran somewhere it should not have (not at IPL_SOFTCLOCK; not in
 * interrupt context when posted from another CPU; in a nested dispatch).
 */
struct pattern_rec {
	unsigned int	pr_runs[MAXCPUS];	/* [a] */
	unsigned int	pr_bad_ipl;		/* [a] */
	unsigned int	pr_bad_ctx;		/* [a] */
	unsigned int	pr_nested;		/* [a] */
	unsigned int	pr_caller;		/* the posting CPU */
	unsigned int	pr_flags[MAXCPUS];	/* [a] pattern 5's per-CPU state */
	unsigned int	pr_twice[MAXCPUS];	/* [a] pattern 5 ran twice here */
};

/*
 * The mail's "MP_LOCKDEBUG spinout stuff": a spin lasting longer than
 * this many milliseconds panics, naming what it waited for, instead of
 * hanging (0: spin forever, as a kernel without MP_LOCKDEBUG does).
 */
extern unsigned int pattern_spinout_ms;

#define PATTERN_FLAG	0x1

void	pattern_rec_init(struct pattern_rec *);

/* The work itself: what start_vmm_on_cpu() stands for in the mail. */
void	pattern_work(struct pattern_rec *);

/* 1. Get one CPU to do something and sleep until it has. */
void	pattern_sync(struct cpu_info *, struct pattern_rec *);
/* 2. Get one CPU to do something and spin until it has. */
void	pattern_spin(struct cpu_info *, struct pattern_rec *);
/* 3. Broadcast, then sleep on a refcnt until every CPU has. */
void	pattern_bcast_sleep(struct pattern_rec *);
/* 4. Broadcast, then spin on a counter until every CPU has. */
void	pattern_bcast_spin(struct pattern_rec *);
/* 5. Broadcast, then spin on each CPU's own flag. */
void	pattern_bcast_flags(struct pattern_rec *);

#define NPATTERNS	5
extern const char *const pattern_names[NPATTERNS];

/*
 * Run pattern i once from the calling CPU; the unicast patterns target
 * ci.
 */
void	pattern_run(int, struct cpu_info *, struct pattern_rec *);

/*
 * The xcall functions.  Not static, so that panic dumps and the trace
 * can name them (dladdr sees exported symbols; link with -rdynamic).
 */
void	pattern_work_xc(void *);
void	pattern_spin_xc(void *);
void	pattern_bcast_sleep_xc(void *);
void	pattern_bcast_spin_xc(void *);
void	pattern_bcast_flags_xc(void *);

#endif /* _PATTERNS_H_ */
