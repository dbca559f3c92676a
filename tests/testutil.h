/*	xcallsim: tests/testutil.h	*/

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
 * Helpers for the cmocka tests.  Assertions happen only on the test's
 * own thread, which is cpu0: simulated CPUs record what they saw and
 * the test checks after joining them.
 */

#ifndef _TESTUTIL_H_
#define _TESTUTIL_H_

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/param.h>
#include <sys/xcall.h>

#include "patterns.h"
#include "xcallsim.h"

/*
 * Generous bound for any wait on a condition; a wait gives up sooner if
 * nothing in the machine moves for TU_STUCK_MS.
 */
#define TU_TIMEOUT_MS	60000
#define TU_STUCK_MS	5000

/* CLOCK_MONOTONIC in milliseconds, for the tests' bounded waits. */
uint64_t tu_now_ms(void);

/*
 * Run only the tests matching $XCS_TEST_FILTER (a glob, as cmocka's
 * filter); false, having said so, if it matches none of the n tests.
 */
int	tu_filter(const struct CMUnitTest *, size_t);

/*
 * The ci_handled_intr_level an xcall function run from idle sees on the
 * booted MD model: IPL_SOFTCLOCK, or IPL_NONE on amd64-1.64, whose
 * Xxcallintr does not set it (unless the MI code is of the softintr
 * generation, whose softclock softintr runs it).
 */
int	tu_xcall_handled_level(void);

/* Every test: whatever happened, the machine is shut down after it. */
int	tu_teardown(void **);
#define TU_TEST(f)	cmocka_unit_test_teardown(f, tu_teardown)

/* Set an environment variable and fill in the configuration it changes. */
void	tu_config_env(const char *, const char *, struct xcs_config *);

/* Boot a machine with n CPUs, or with a full configuration. */
void	tu_boot(unsigned int, enum xcs_idle);
void	tu_boot_config(const struct xcs_config *);

/*
 * The end of every test that did not panic: wait until the machine is
 * quiet, assert that every CPU is at IPL_NONE with empty slots, and
 * shut it down.
 */
void	tu_shutdown(void);

/* After an intercepted panic: shut down without the quiet check. */
void	tu_shutdown_panicked(void);

/*
 * Wait on the calling CPU, taking its IPIs, until cond(arg) holds or
 * TU_TIMEOUT_MS passes; returns whether it holds.
 */
int	tu_wait(int (*)(void *), void *);

/* Wait until the unsigned int at p is at least v. */
int	tu_wait_uint(const unsigned int *, unsigned int);

/* Wait until one of bits is pending on ci; until a panic happened. */
int	tu_wait_bits(struct cpu_info *, u_int64_t);
int	tu_wait_panic(void);

/*
 * Wait until CPU n has taken every IPI sent to it and is out of
 * interrupt context.  Unicast tests pace themselves with it, so that no
 * xcall IPI reaches a CPU still dispatching the previous one: the 1.1
 * MI code's softintr glue cannot survive that (see tests/upstream).
 */
int	tu_wait_calm(unsigned int);

/*
 * A wait of the test gave up after ms: print why and the machine, and
 * skip the program's later tests, which would only wait the same way.
 */
void	tu_gave_up(const char *, uint64_t);

/*
 * Join CPU n's job as xcs_cpu_join does, giving up (ETIMEDOUT, after
 * printing the machine) when nothing in the machine moves for
 * TU_STUCK_MS: a broken MI file fails the test instead of hanging it.
 */
int	tu_join(unsigned int);

/* Start fn(arg) on CPUs first..last, then join them all. */
void	tu_run_on(unsigned int, unsigned int, void (*)(void *), void *,
	    size_t);

/*
 * Run fn(arg) on CPU n expecting a panic whose message contains want;
 * returns the message.
 */
const char *tu_expect_panic(unsigned int, void (*)(void *), void *,
	    const char *);

/*
 * Run fn(arg) in a child process and expect it to die with a message on
 * stderr that contains want.
 */
void	tu_expect_death(void (*)(void *), void *, const char *);

/* The contents of a file, NUL-terminated; free(3) it. */
char	*tu_slurp(const char *);

/* An xcall that records what it saw each time it ran. */
struct probe {
	struct xcall	pb_xc;
	unsigned int	pb_runs;	/* [a] */
	unsigned int	pb_cpu;		/* [a] CPU of the last run */
	unsigned int	pb_ilevel;	/* [a] its IPL */
	unsigned int	pb_idepth;	/* [a] its interrupt depth */
	unsigned int	pb_handled;	/* [a] its ci_handled_intr_level */
	unsigned int	pb_posted;	/* [a] incremented before each post */
	unsigned int	pb_phantom;	/* [a] ran more often than posted */
	unsigned int	pb_in_slot;	/* [a] runs still in a slot */
};

void	probe_init(struct probe *);

/* The slot of t that holds xc, or -1: which one is the MI file's choice. */
int	tu_slot_of(struct cpu_info *, struct xcall *);
void	probe_fn(void *);
void	probe_post(struct cpu_info *, struct probe *);

/*
 * A job that holds its CPU at an IPL until released, then waits until
 * one of the sources in h_wait_bits is pending and lowers its level, noting
 * how often h_probe had run before and after the splx.
 */
struct hold {
	int		h_ipl;
	unsigned int	h_ready;	/* [a] at the IPL */
	unsigned int	h_release;	/* [a] may lower */
	u_int64_t	h_wait_bits;
	unsigned int	h_runs_before;
	unsigned int	h_runs_after;
	struct probe	*h_probe;
	int		h_ilevel_after;
	int		h_timeout;	/* a wait ran out of time */
};

void	hold_start(unsigned int, struct hold *, int);

/*
 * The source an xcall IPI leaves pending on a CPU below IPL_IPI: the
 * SIR_XCALL bit with the current glue, the softclock softintr with the
 * earlier one.
 */
#define XCALL_SOFT_BITS	((1UL << SIR_XCALL) | (1UL << SIR_CLOCK))

/* workloads.c: cpu_xcall_sync round trips from one CPU. */
#define SYNC_WORDS	64

struct sync_data {
	unsigned long	sd_words[SYNC_WORDS];
	unsigned int	sd_cpu;
	unsigned long	sd_seed;
};

struct sync_job {
	unsigned int	sj_iters;
	int		sj_target;	/* one CPU, or -1: each in turn */
	int		sj_pace;	/* tu_wait_calm after each call */
	unsigned int	sj_stale;	/* stores not seen on return */
	unsigned int	sj_wrong;	/* ran on another CPU */
	unsigned int	sj_wrong_target;
	unsigned int	sj_wrong_ran_on;
};

void	sync_job(void *);
void	sync_check(struct sync_job *, unsigned int);

/* workloads.c: the patterns of patterns.h, from one CPU or from all. */
struct pattern_job {
	struct pattern_rec	pj_rec;
	unsigned int		pj_iters;
	unsigned int		pj_mask;	/* 1 << pattern number */
	int			pj_target;	/* unicast to, or -1: rotate */
	int			pj_pace;	/* tu_wait_calm after each */
	unsigned int		pj_calls[NPATTERNS];
	unsigned int		pj_uni_targets[MAXCPUS];
};

#define PATTERNS_UNICAST	0x03
#define PATTERNS_ALL		0x1f

void	pattern_job(void *);
void	pattern_check(struct pattern_job *, unsigned int);
void	patterns_run(unsigned int, enum xcs_idle, unsigned int,
	    unsigned int, int, int);
void	patterns_run_paced(unsigned int, enum xcs_idle, unsigned int,
	    unsigned int, int, int, int);

#endif /* _TESTUTIL_H_ */
