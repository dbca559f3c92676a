/*	xcallsim: sim/config.c, the machine's configuration	*/

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
 * The defaults of struct xcs_config, what the XCALLSIM_* environment
 * changes in them, and the checks xcs_boot makes before it builds
 * anything.
 */

#include <sys/param.h>
#include <sys/systm.h>

#include <machine/cpu.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcs.h"

/*
 * A misspelt XCALLSIM_ variable would be ignored without a word: say
 * so, once.  XCALLSIM_BUILD and XCALLSIM_CHECK_* are the check's.
 */
static void
xcs_config_unknown_env(void)
{
	static const char *const known[] = {
		"XCALLSIM_FAULTS=", "XCALLSIM_REPLAY=", "XCALLSIM_TRACE=",
		"XCALLSIM_WATCHDOG=", "XCALLSIM_BUILD=", "XCALLSIM_CHECK_"
	};
	static int warned;
	extern char **environ;
	char **e;
	size_t i;

	if (warned++)
		return;
	for (e = environ; *e != NULL; e++) {
		if (strncmp(*e, "XCALLSIM_", 9) != 0)
			continue;
		for (i = 0; i < nitems(known); i++)
			if (strncmp(*e, known[i], strlen(known[i])) == 0)
				break;
		if (i == nitems(known))
			fprintf(stderr, "xcallsim: %.*s is not a variable of "
			    "xcallsim's (XCALLSIM_FAULTS, XCALLSIM_REPLAY, "
			    "XCALLSIM_TRACE, XCALLSIM_WATCHDOG): ignored\n",
			    (int)strcspn(*e, "="), *e);
	}
}

void
xcs_config_init(struct xcs_config *cfg)
{
	xcs_config_unknown_env();
	memset(cfg, 0, sizeof(*cfg));
	cfg->xc_ncpus = 2;
	cfg->xc_idle = XCS_IDLE_HALT;
	cfg->xc_signal = SIGUSR1;
	cfg->xc_glue = XCS_GLUE_AUTO;
	cfg->xc_sir_layout = XCS_SIR_COMMITTED;
	cfg->xc_watchdog_ms = 5000;
	xcs_watchdog_env(cfg);
	cfg->xc_faults = getenv("XCALLSIM_FAULTS");
	cfg->xc_trace_events = 1024;
	xcs_trace_env(cfg);
	cfg->xc_replay_depth = 3;
	cfg->xc_replay_steps = 2000;
	xcs_replay_env(cfg);
}

int
xcs_config_check(const struct xcs_config *cfg)
{
	int error;

	if (cfg == NULL) {
		xcs_seterr("xcs_boot: NULL configuration");
		return (EINVAL);
	}
	if (cfg->xc_ncpus < 1 || cfg->xc_ncpus > MAXCPUS) {
		xcs_seterr("xcs_boot: %u CPUs requested; this build "
		    "simulates 1 to %d", cfg->xc_ncpus, MAXCPUS);
		return (EINVAL);
	}
	if (cfg->xc_idle != XCS_IDLE_HALT && cfg->xc_idle != XCS_IDLE_POLL) {
		xcs_seterr("xcs_boot: unknown idle mode %d", cfg->xc_idle);
		return (EINVAL);
	}
	if (cfg->xc_glue < XCS_GLUE_AUTO || cfg->xc_glue > XCS_GLUE_SOFTINTR) {
		xcs_seterr("xcs_boot: unknown glue %d", cfg->xc_glue);
		return (EINVAL);
	}
	if (cfg->xc_sir_layout != XCS_SIR_COMMITTED &&
	    cfg->xc_sir_layout != XCS_SIR_PROPOSAL) {
		xcs_seterr("xcs_boot: unknown SIR layout %d",
		    cfg->xc_sir_layout);
		return (EINVAL);
	}
	if (cfg->xc_signal != 0 && (cfg->xc_signal < 1 ||
	    cfg->xc_signal >= NSIG || cfg->xc_signal == SIGKILL ||
	    cfg->xc_signal == SIGSTOP || cfg->xc_signal == SIGSEGV ||
	    cfg->xc_signal == SIGBUS || cfg->xc_signal == SIGFPE ||
	    cfg->xc_signal == SIGILL || cfg->xc_signal == SIGABRT)) {
		xcs_seterr("xcs_boot: signal %d cannot carry IPIs",
		    cfg->xc_signal);
		return (EINVAL);
	}
	if ((error = xcs_trace_check(cfg)) != 0 ||
	    (error = xcs_replay_check(cfg)) != 0)
		return (error);
	return (xcs_watchdog_check(cfg));
}
