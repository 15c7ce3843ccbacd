#!/usr/bin/env Rscript
# Reference figures for the trial statistics, computed with R's survival package and binom.test, written as
# tests/Fhir.Trials.Tests/Statistics/Fixtures/r-reference.json. The tests compare the library's and the server's figures
# with them; R is not needed to run the tests, only to regenerate this file:
#
#   apt-get install -y r-base-core r-cran-survival
#   Rscript scripts/r-reference-figures.R            # from the repository root
#
# Inputs: fixed data sets below (Freireich's 6-MP leukaemia remissions, edge cases) and the per-participant listing of the
# generated 40-patient trial (seed 7), tests/Fhir.Trials.Tests/Statistics/Fixtures/generated-trial-40-seed-7.csv, which
# the server's $subject-outcomes?population=treated gives (FHIR_UPDATE_R_INPUT=1 dotnet test ... rewrites it).
#
# Conventions (domain.md): Kaplan-Meier with conf.type = "log-log"; the median and its limits from quantile(fit, 0.5);
# landmark rates from summary(fit, times) (times after the last follow-up are dropped, as R does without extend); numbers
# at risk from summary(fit, times, extend = TRUE); median follow-up from the reverse Kaplan-Meier (censoring as the event);
# exact (Clopper-Pearson) intervals from binom.test. A month is 30.4375 days.

suppressPackageStartupMessages(library(survival))

out_dir <- "tests/Fhir.Trials.Tests/Statistics/Fixtures"
input_csv <- file.path(out_dir, "generated-trial-40-seed-7.csv")
month <- 30.4375

# --- a small JSON writer (no packages beyond survival) ---
num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) "null" else sprintf("%.17g", x)
str <- function(x) paste0('"', gsub('"', '\\\\"', x), '"')
arr <- function(values, f) paste0("[", paste(vapply(values, f, ""), collapse = ","), "]")
obj <- function(...) {
  fields <- list(...)
  paste0("{", paste(paste0(str(names(fields)), ":", unlist(fields)), collapse = ","), "}")
}

survival_case <- function(name, time, status, landmark_times, risk_times) {
  if (length(time) == 0) {
    # survfit cannot fit an empty sample: nothing is estimable.
    return(obj(name = str(name), time = "[]", status = "[]", landmarkTimes = arr(landmark_times, num),
               riskTimes = arr(risk_times, num), n = "0", events = "0", median = "null", lower = "null", upper = "null",
               landmarks = "[]", atRisk = arr(rep(0, length(risk_times)), num), followUpMedian = "null"))
  }
  fit <- survfit(Surv(time, status) ~ 1, conf.type = "log-log")
  q <- quantile(fit, probs = 0.5)
  # summary() refuses when every time is after the last follow-up: then no landmark is estimable.
  lm <- tryCatch(summary(fit, times = landmark_times), error = function(e) list(time = numeric(0)))
  landmarks <- if (length(lm$time) == 0) "[]" else paste0("[", paste(vapply(seq_along(lm$time), function(i)
    obj(time = num(lm$time[i]), surv = num(lm$surv[i]), lower = num(lm$lower[i]), upper = num(lm$upper[i])), ""), collapse = ","), "]")
  risk <- summary(fit, times = risk_times, extend = TRUE)
  reverse <- survfit(Surv(time, 1 - status) ~ 1, conf.type = "log-log")
  obj(name = str(name), time = arr(time, num), status = arr(status, num),
      landmarkTimes = arr(landmark_times, num), riskTimes = arr(risk_times, num),
      n = num(length(time)), events = num(sum(status)),
      median = num(unname(q$quantile)), lower = num(unname(q$lower)), upper = num(unname(q$upper)),
      landmarks = landmarks, atRisk = arr(risk$n.risk, num),
      followUpMedian = num(unname(quantile(reverse, probs = 0.5)$quantile)))
}

binomial_case <- function(name, x, n) {
  if (n == 0) {
    return(obj(name = str(name), x = num(x), n = num(n), estimate = "null", lower = "null", upper = "null"))
  }
  b <- binom.test(x, n)
  obj(name = str(name), x = num(x), n = num(n), estimate = num(unname(b$estimate)), lower = num(b$conf.int[1]), upper = num(b$conf.int[2]))
}

survival <- c()
binomial <- c()

# --- Freireich (Gehan 1965): weeks of remission, 6-MP and placebo arms ---
weeks_lm <- c(5, 10, 20); weeks_risk <- c(0, 5, 10, 15, 20, 25, 30, 35)
survival <- c(survival,
  survival_case("freireich/6-mp", c(6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35),
                c(1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0), weeks_lm, weeks_risk),
  survival_case("freireich/placebo", c(1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23), rep(1, 21), weeks_lm, weeks_risk))

# --- edge cases, in days ---
days_lm <- c(3, 6, 12) * month; days_risk <- c(0, 3, 6, 9, 12, 18, 24) * month
survival <- c(survival,
  survival_case("edge/all-censored", c(90, 150, 210), c(0, 0, 0), days_lm, days_risk),
  survival_case("edge/one-event", c(60, 120, 180, 240, 300), c(1, 0, 0, 0, 0), days_lm, days_risk),
  survival_case("edge/ties", c(60, 60, 60, 120, 120, 120, 200, 200), c(1, 1, 0, 1, 0, 0, 1, 0), days_lm, days_risk),
  survival_case("edge/arm-of-zero", numeric(0), numeric(0), days_lm, days_risk),
  survival_case("edge/single-event", c(100), c(1), days_lm, days_risk),
  survival_case("edge/single-censored", c(100), c(0), days_lm, days_risk),
  survival_case("edge/median-on-a-flat-half", c(168, 200, 224, 196), c(0, 1, 0, 0), days_lm, days_risk),
  survival_case("edge/all-events-to-zero", c(30, 60, 90, 120), c(1, 1, 1, 1), days_lm, days_risk))
for (case in list(c(0, 0), c(0, 1), c(1, 1), c(0, 5), c(5, 5), c(3, 4), c(7, 40), c(12, 31), c(13, 65), c(31, 40), c(1, 20))) {
  binomial <- c(binomial, binomial_case(sprintf("fixed/%d-of-%d", case[1], case[2]), case[1], case[2]))
}

# --- the generated trial: every population, arm and endpoint the server reports ---
trial <- read.csv(input_csv, stringsAsFactors = FALSE)
for (population in c("treated", "efficacy-evaluable")) {
  rows <- if (population == "treated") trial else trial[trial$evaluable == 1, ]
  for (arm in c("all", sort(unique(trial$arm)))) {
    group <- if (arm == "all") rows else rows[rows$arm == arm, ]
    treated <- if (arm == "all") trial else trial[trial$arm == arm, ]
    prefix <- paste("trial", population, arm, sep = "/")
    survival <- c(survival,
      survival_case(paste0(prefix, "/pfs"), group$pfs_days, group$pfs_event, days_lm, days_risk),
      survival_case(paste0(prefix, "/os"), group$os_days, group$os_event, days_lm, days_risk),
      survival_case(paste0(prefix, "/dor"), group$dor_days[!is.na(group$dor_days)], group$dor_event[!is.na(group$dor_days)], days_lm, days_risk),
      survival_case(paste0(prefix, "/ttp"), group$ttp_days, group$ttp_event, days_lm, days_risk))
    gmi <- group[!is.na(group$gmi), ]
    success <- sum(gmi$gmi >= 1.33)
    failure <- sum(gmi$gmi < 1.33 & gmi$ttp_event == 1)
    binomial <- c(binomial,
      binomial_case(paste0(prefix, "/orr"), sum(group$confirmed), nrow(group)),
      binomial_case(paste0(prefix, "/orrTreated"), sum(treated$confirmed), nrow(treated)),
      binomial_case(paste0(prefix, "/bor"), sum(group$response), nrow(group)),
      binomial_case(paste0(prefix, "/dcr"), sum(group$dc), nrow(group)),
      binomial_case(paste0(prefix, "/gmi"), success, success + failure))
  }
}

provenance <- obj(script = str("scripts/r-reference-figures.R"), input = str(input_csv),
                  R = str(R.version.string), survival = str(as.character(packageVersion("survival"))))
json <- paste0("{\"provenance\":", provenance,
               ",\n\"survival\":[\n", paste(survival, collapse = ",\n"),
               "],\n\"binomial\":[\n", paste(binomial, collapse = ",\n"), "]}\n")
writeLines(json, file.path(out_dir, "r-reference.json"), sep = "")
cat(sprintf("wrote %d survival and %d binomial cases to %s\n", length(survival), length(binomial), file.path(out_dir, "r-reference.json")))
