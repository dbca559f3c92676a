/*	xcallsim: sim/watchdog.h, between the watchdog's monitor and reports */

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

#ifndef _XCS_WATCHDOG_H_
#define _XCS_WATCHDOG_H_

#define XCS_WD_MAX	3600000		/* an hour, in ms */
#define XCS_NSLOTS	4		/* struct xcall_cpu's xci_xcalls */
#define XCS_WD_SPIN_PANIC 10		/* timeouts before a spin panics */
#define XCS_WD_SPIN_BUSY 4		/* ... on a delaying CPU, host busy */

/* What the monitor remembers of one CPU between two looks. */
struct xcs_wd_cpu {
	uint64_t	wc_busy;		/* xc_spins at the last look */
	uint64_t	wc_progress;		/* xc_progress then */
	uint64_t	wc_spin_since;		/* ms; 0 if not spinning */
	uint64_t	wc_spin_next;		/* ms; 0 if not reported */
	uint64_t	wc_received;		/* xc_received then */
	uint64_t	wc_drained;		/* ms it last moved */
	uint64_t	wc_slot_seq[XCS_NSLOTS]; /* claims at the last look */
	uint64_t	wc_slot_since[XCS_NSLOTS]; /* ms it was first seen */
	int		wc_stale_slot;		/* the reported slot, or -1 */
	uint64_t	wc_stale_since;		/* its wc_slot_since then */
	uint64_t	wc_stale_next;		/* ms of the next report */
	char		wc_spunout[512];	/* its panic message */
};

struct xcs_watchdog {
	pthread_t	 wd_thread;
	int32_t		 wd_stop;		/* [a] futex word */
	unsigned int	 wd_ms;
	int		 wd_panic;
	int		 wd_resend;
	uint64_t	 wd_last;		/* ms of the previous look */
	struct xcs_wd_cpu *wd_cpus;
};

/* watchdog_report.c */
struct cpu_info *xcs_wd_cpu_info(unsigned int);
unsigned int xcs_wd_cycle(struct xcs_watchdog *, unsigned int, uint64_t,
	    unsigned int *);
void	xcs_wd_report_cycle(struct xcs_watchdog *, unsigned int *,
	    unsigned int, uint64_t);
void	xcs_wd_report_spin(struct xcs_watchdog *, unsigned int, uint64_t);
void	xcs_wd_report_unstuck(unsigned int, int, unsigned int);
#ifdef MULTIPROCESSOR
void	xcs_wd_report_slot(struct xcs_watchdog *, unsigned int, int,
	    uint64_t);
#endif

#endif /* _XCS_WATCHDOG_H_ */
