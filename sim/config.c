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

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcs_machine.h"

/*
 * The environment enters here and nowhere else.  Each XCALLSIM_
 * variable has one parser, which sets fields of the configuration or
 * says, in xcs_env_error, which item of it is wrong; xcs_boot then
 * fails with that message, before it builds anything.  The value
 * ranges themselves are checked by each part at boot, for settings
 * that come from a program as much as for those from the environment.
 */
#define XCS_ENV_WHYLEN		200
#define XCS_ENV_ERRLEN		(XCS_ENV_WHYLEN + PATH_MAX + 64)

static char xcs_env_error[XCS_ENV_ERRLEN];	/* "" if it all parsed */
static char xcs_env_trace_path[PATH_MAX];	/* XCALLSIM_TRACE's file */

/* The value is wrong: say which part of it, and what is wanted. */
static void
xcs_env_bad(const char *name, const char *value, const char *fmt, ...)
{
	char why[XCS_ENV_WHYLEN];
	va_list ap;

	if (xcs_env_error[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(xcs_env_error, sizeof(xcs_env_error), "%s=\"%.*s\": %s",
	    name, PATH_MAX, value, why);
}

/* The decimal number in s[0, len), at most max; -1 if it is not one. */
static int
xcs_env_number(const char *s, size_t len, unsigned long long max,
    unsigned long long *v)
{
	unsigned long long n = 0;
	size_t i;

	if (len == 0)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    n > (max - (unsigned int)(s[i] - '0')) / 10)
			return (-1);
		n = n * 10 + (unsigned int)(s[i] - '0');
	}
	*v = n;
	return (0);
}

/* XCALLSIM_WATCHDOG="ms[,panic][,resend]". */
static void
xcs_env_watchdog(const char *name, const char *env, struct xcs_config *cfg)
{
	unsigned long long ms;
	const char *opt, *end;
	size_t len = strcspn(env, ",");

	if (xcs_env_number(env, len, UINT_MAX, &ms) != 0) {
		xcs_env_bad(name, env, "\"%.*s\" is not a timeout in ms (want "
		    "the timeout, 0 for off, then ,panic or ,resend)",
		    (int)len, env);
		return;
	}
	cfg->xc_watchdog_ms = (unsigned int)ms;
	for (opt = env + len; *opt == ','; opt = end) {
		opt++;
		end = opt + strcspn(opt, ",");
		if (end - opt == 5 && strncmp(opt, "panic", 5) == 0)
			cfg->xc_watchdog_panic = 1;
		else if (end - opt == 6 && strncmp(opt, "resend", 6) == 0)
			cfg->xc_watchdog_resend = 1;
		else
			xcs_env_bad(name, env, "\"%.*s\" is not panic or "
			    "resend", (int)(end - opt), opt);
	}
}

/* XCALLSIM_TRACE="off", "events", or "file[,events]". */
static void
xcs_env_trace(const char *name, const char *env, struct xcs_config *cfg)
{
	const char *num = env, *comma;
	unsigned long long events;

	if (strcmp(env, "off") == 0) {
		cfg->xc_trace_events = 0;
		return;
	}
	if (env[0] < '0' || env[0] > '9') {
		cfg->xc_trace_file = env;
		cfg->xc_trace_events = XCS_TRACE_FILE_EVENTS;
		if ((comma = strchr(env, ',')) == NULL)
			return;
		/* The path ends at the comma. */
		if ((size_t)(comma - env) >= sizeof(xcs_env_trace_path)) {
			xcs_env_bad(name, env, "the file name is longer than "
			    "%d bytes", PATH_MAX - 1);
			return;
		}
		memcpy(xcs_env_trace_path, env, comma - env);
		xcs_env_trace_path[comma - env] = '\0';
		cfg->xc_trace_file = xcs_env_trace_path;
		num = comma + 1;
	}
	if (xcs_env_number(num, strlen(num), XCS_TRACE_MAX, &events) != 0) {
		xcs_env_bad(name, env, "\"%s\" is not a number of events up "
		    "to %u (want off, a number of events per CPU, or a file "
		    "for the Chrome trace, then ,events)", num, XCS_TRACE_MAX);
		return;
	}
	cfg->xc_trace_events = (unsigned int)events;
}

/* XCALLSIM_REPLAY="seed[:depth[:steps]]" turns replay on. */
static void
xcs_env_replay(const char *name, const char *env, struct xcs_config *cfg)
{
	static const char *const what[] = {
		"a seed", "a depth", "a step count"
	};
	unsigned long long v[3];
	const char *item = env;
	size_t i, len;

	cfg->xc_replay = 1;
	for (i = 0; i < XCS_NITEMS(what); i++) {
		len = strcspn(item, ":");
		if (xcs_env_number(item, len, i == 0 ? UINT64_MAX : UINT_MAX,
		    &v[i]) != 0) {
			xcs_env_bad(name, env, "\"%.*s\" is not %s (want "
			    "seed[:depth[:steps]], numbers)", (int)len, item,
			    what[i]);
			return;
		}
		if (item[len] == '\0')
			break;
		item += len + 1;
	}
	if (i == XCS_NITEMS(what)) {
		xcs_env_bad(name, env, "\"%s\" is one item too many (want "
		    "seed[:depth[:steps]])", item);
		return;
	}
	cfg->xc_replay_seed = v[0];
	if (i >= 1)
		cfg->xc_replay_depth = (unsigned int)v[1];
	if (i >= 2)
		cfg->xc_replay_steps = (unsigned int)v[2];
}

/* XCALLSIM_MD="amd64" or "amd64-1.64": the MD model. */
static void
xcs_env_md(const char *name, const char *env, struct xcs_config *cfg)
{
	if (strcmp(env, "amd64") == 0)
		cfg->xc_md = XCS_MD_AMD64;
	else if (strcmp(env, "amd64-1.64") == 0)
		cfg->xc_md = XCS_MD_AMD64_164;
	else
		xcs_env_bad(name, env, "\"%s\" is not amd64 or amd64-1.64",
		    env);
}

/* XCALLSIM_FAULTS: its grammar is the faults' own, parsed at boot. */
static void
xcs_env_faults(const char *name, const char *env, struct xcs_config *cfg)
{
	cfg->xc_faults = env;
}

static const struct xcs_env {
	const char	*xe_name;
	void		(*xe_parse)(const char *, const char *,
			    struct xcs_config *);
} xcs_envs[] = {
	{ "XCALLSIM_FAULTS",	xcs_env_faults },
	{ "XCALLSIM_MD",	xcs_env_md },
	{ "XCALLSIM_REPLAY",	xcs_env_replay },
	{ "XCALLSIM_TRACE",	xcs_env_trace },
	{ "XCALLSIM_WATCHDOG",	xcs_env_watchdog },
};

/*
 * Whether the program runs under valgrind, whose translated code the
 * watchpoints of the widen fault do not work in: its preload library
 * says so.
 */
int
xcs_config_under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return (preload != NULL && strstr(preload, "vgpreload") != NULL);
}

/* The check's own variables, which the library leaves alone. */
static const char *const xcs_env_others[] = {
	"XCALLSIM_BUILD=", "XCALLSIM_CHECK_"
};

/* Whether environment entry e ("NAME=value") is the variable name. */
static int
xcs_env_is(const char *e, const char *name)
{
	size_t len = strlen(name);

	return (strncmp(e, name, len) == 0 && e[len] == '=');
}

/*
 * A misspelt XCALLSIM_ variable would be ignored without a word: say
 * so, once.
 */
static void
xcs_env_unknown(void)
{
	static int warned;
	extern char **environ;
	char **e;
	size_t i, j;

	if (warned++)
		return;
	for (e = environ; *e != NULL; e++) {
		if (strncmp(*e, "XCALLSIM_", 9) != 0)
			continue;
		for (i = 0; i < XCS_NITEMS(xcs_envs); i++)
			if (xcs_env_is(*e, xcs_envs[i].xe_name))
				break;
		for (j = 0; j < XCS_NITEMS(xcs_env_others); j++)
			if (strncmp(*e, xcs_env_others[j],
			    strlen(xcs_env_others[j])) == 0)
				break;
		if (i == XCS_NITEMS(xcs_envs) && j == XCS_NITEMS(xcs_env_others))
			fprintf(stderr, "xcallsim: %.*s is not a variable of "
			    "xcallsim's (XCALLSIM_FAULTS, XCALLSIM_MD, "
			    "XCALLSIM_REPLAY, XCALLSIM_TRACE, "
			    "XCALLSIM_WATCHDOG): ignored\n",
			    (int)strcspn(*e, "="), *e);
	}
}

void
xcs_config_init(struct xcs_config *cfg)
{
	const char *value;
	size_t i;

	xcs_env_unknown();
	memset(cfg, 0, sizeof(*cfg));
	cfg->xc_ncpus = 2;
	cfg->xc_idle = XCS_IDLE_HALT;
	cfg->xc_signal = SIGUSR1;
	cfg->xc_glue = XCS_GLUE_AUTO;
	cfg->xc_sir_layout = XCS_SIR_COMMITTED;
	cfg->xc_watchdog_ms = 5000;
	cfg->xc_trace_events = 1024;
	cfg->xc_replay_depth = 3;
	cfg->xc_replay_steps = 2000;
	xcs_env_error[0] = '\0';
	for (i = 0; i < XCS_NITEMS(xcs_envs); i++) {
		value = getenv(xcs_envs[i].xe_name);
		if (value != NULL && *value != '\0')
			xcs_envs[i].xe_parse(xcs_envs[i].xe_name, value, cfg);
	}
}

int
xcs_config_check(const struct xcs_config *cfg)
{
	int error;

	if (cfg == NULL) {
		xcs_seterr("xcs_boot: NULL configuration");
		return (EINVAL);
	}
	if (cfg->xc_ncpus < 1 || cfg->xc_ncpus > xcs_kern_maxcpus()) {
		xcs_seterr("xcs_boot: %u CPUs requested; this build "
		    "simulates 1 to %u", cfg->xc_ncpus, xcs_kern_maxcpus());
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
	if (cfg->xc_md != XCS_MD_AMD64 && cfg->xc_md != XCS_MD_AMD64_164) {
		xcs_seterr("xcs_boot: unknown MD model %d", cfg->xc_md);
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
	if (xcs_env_error[0] != '\0') {
		xcs_seterr("xcs_boot: %s", xcs_env_error);
		return (EINVAL);
	}
	if ((error = xcs_trace_check(cfg)) != 0 ||
	    (error = xcs_replay_check(cfg)) != 0)
		return (error);
	return (xcs_watchdog_check(cfg));
}
