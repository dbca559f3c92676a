/*	xcallsim: sim/replay.h, the replay scheduler's state	*/

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

#ifndef _XCS_REPLAY_H_
#define _XCS_REPLAY_H_

#define XCS_RP_MAXDEPTH		16
#define XCS_RP_YIELD		64	/* spins that change memory */
#define XCS_RP_SPINS		(1U << 18) /* idle spins: stuck for good */
#define XCS_RP_TURN		1024	/* idle spins before the next's turn */

/* What a CPU is doing, as far as the scheduler cares. */
enum xcs_rp_mode {
	XCS_RM_ACTIVE,		/* running: its points are progress */
	XCS_RM_LOOK,		/* spinning or re-checking: only looking */
	XCS_RM_SPIN,		/* in CPU_BUSY_CYCLE: was progress seen? */
	XCS_RM_WAIT		/* waiting for rc_done or an IPI */
};

struct xcs_rp_cpu {
	int32_t		 rc_turn;	/* [a] futex word: 1 may run */
	int		 rc_prio;	/* higher runs first */
	enum xcs_rp_mode rc_mode;
	uint64_t	 rc_seen;	/* progress when it last resumed */
	unsigned int	 rc_busy;	/* spins that saw progress */
	int		 rc_signal;	/* the IPI signal would be pending */
	int		 rc_timed;	/* XCS_RM_WAIT may time out */
	int		 rc_expired;	/* ... and did: nothing else ran */
	int		 (*rc_done)(void *); /* XCS_RM_WAIT's condition */
	void		*rc_done_arg;
};

struct xcs_replay {
	uint64_t	 xr_seed;
	unsigned int	 xr_depth;
	unsigned int	 xr_steps;	/* k: where change points fall */
	uint64_t	 xr_rng;
	uint64_t	 xr_step;	/* points so far */
	uint64_t	 xr_progress;
	uint64_t	 xr_idle;	/* idle spins since progress */
	uint64_t	 xr_last;	/* the step of the last progress */
	uint64_t	 xr_change[XCS_RP_MAXDEPTH]; /* steps, ascending */
	unsigned int	 xr_nchange;
	unsigned int	 xr_next;	/* next change point */
	int		 xr_low;	/* the next lowest priority */
	unsigned int	 xr_started;	/* [a] boot is over: schedule */
	unsigned int	 xr_parked;	/* [a] CPUs at the gate at boot */
	unsigned int	 xr_frozen;	/* [a] a panic ended the schedule */
	unsigned int	 xr_open;	/* [a] shutdown: everyone runs */
	uint64_t	 xr_clock;	/* [a] trace events */
	struct xcs_rp_cpu *xr_cpus;
};

extern struct xcs_replay xcs_replay;

#endif /* _XCS_REPLAY_H_ */
