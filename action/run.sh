#!/usr/bin/env bash
# The GitHub Action's work (action.yml runs it): validate every plan with annotations, dry-run each
# valid one, write the diffs into the job summary and set the `changes` output.
#
# Written to run under GitHub's `bash -eo pipefail`: a command whose failure is an answer (a plan
# exit code, a grep that matches nothing) is never left to `-e`; every code block written to the
# summary is closed before anything else can happen; one plan's exchange error is reported and the
# other plans are still checked.  The step fails at the end if any plan was invalid or errored.
#
# Environment (action.yml maps its inputs onto these):
#   INPUT_PLANS      glob patterns, separated by spaces or newlines; `**` recurses
#                    (default: plans/**/*.yaml plans/**/*.yml)
#   INPUT_EXCHANGE   passed as --exchange when set (else BITMART_EXCHANGE or the runner's default)
#   INPUT_BASE_URL   passed as --base-url when set
#   RUNNER_COMMAND   how to start the runner (default: bitmart-runner)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  set by GitHub (files; /dev/null when missing)
set -eo pipefail
shopt -s globstar nullglob

patterns="${INPUT_PLANS:-plans/**/*.yaml plans/**/*.yml}"
read -r -a runner <<<"${RUNNER_COMMAND:-bitmart-runner}"
output_file="${GITHUB_OUTPUT:-/dev/null}"
summary_file="${GITHUB_STEP_SUMMARY:-/dev/null}"
target_args=()
if [ -n "${INPUT_EXCHANGE:-}" ]; then target_args+=(--exchange "$INPUT_EXCHANGE"); fi
if [ -n "${INPUT_BASE_URL:-}" ]; then target_args+=(--base-url "$INPUT_BASE_URL"); fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- which plans: every match of every pattern, once, in order --------------------------------
plans=()
declare -A seen=()
# unquoted on purpose: the patterns are split into words and each is globbed
for pattern in $patterns; do
  for match in $pattern; do
    if [ -f "$match" ] && [ -z "${seen[$match]:-}" ]; then
      seen[$match]=1
      plans+=("$match")
    fi
  done
done

meaning() {
  case "$1" in
    0) echo "no changes" ;;
    1) echo "invalid" ;;
    2) echo "changes pending" ;;
    6) echo "exchange, network or credential error" ;;
    64) echo "usage error" ;;
    70) echo "internal error" ;;
    *) echo "failed (exit $1)" ;;
  esac
}

# A fence longer than any run of backticks in the text, so the block cannot be closed early.
fence_for() {
  local longest=2 run
  while IFS= read -r run; do
    if [ "${#run}" -gt "$longest" ]; then longest=${#run}; fi
  done < <(grep -o '`*' "$1" || true)
  printf '`%.0s' $(seq 0 "$longest")
}

# `::error file=F,line=L,col=C::message` as `F:L:C: error: message`, for the summary.
readable() {
  local rest=${1#::} kind message level props file line col where
  kind=${rest%%::*}
  message=${rest#*::}
  message=${message//%0A/ }
  message=${message//%0D/}
  message=${message//%25/%}
  level=${kind%% *}
  props=${kind#"$level"}
  where=""
  if [[ $props == *file=* ]]; then
    file=${props#*file=}; file=${file%%,*}; file=${file//%3A/:}; file=${file//%2C/,}
    where="$file"
    if [[ $props == *line=* ]]; then line=${props#*line=}; where="$where:${line%%,*}"; fi
    if [[ $props == *col=* ]]; then col=${props#*col=}; where="$where:${col%%,*}"; fi
    where="$where: "
  fi
  printf '%s%s: %s\n' "$where" "$level" "$message"
}

# Annotation lines go to the log, where GitHub turns them into annotations, and in readable form
# into the summary; every other line goes into the summary as it is.  No grep: nothing here can
# fail on an empty file.
split_output() {  # $1 = captured output, $2 = file for the summary text
  local line
  : >"$2"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      ::*)
        printf '%s\n' "$line"
        readable "$line" >>"$2"
        ;;
      *) printf '%s\n' "$line" >>"$2" ;;
    esac
  done <"$1"
}

summary_block() {  # $1 = heading, $2 = file with the text, $3 = where to append the block
  local fence
  fence="$(fence_for "$2")"
  {
    printf '### %s\n\n' "$1"
    printf '%stext\n' "$fence"
    cat "$2"
    printf '%s\n\n' "$fence"
  } >>"$3"
}

{
  printf '## bitmart-runner plan\n\n'
  if [ "${#plans[@]}" -eq 0 ]; then
    # shellcheck disable=SC2016  # the backticks are Markdown
    printf 'No plan file matched `%s`.\n\n' "$patterns"
  else
    printf '| plan | result |\n|---|---|\n'
  fi
} >>"$summary_file"

if [ "${#plans[@]}" -eq 0 ]; then
  echo "::warning::no plan file matched: $patterns"
  echo "changes=false" >>"$output_file"
  echo "exit-code=0" >>"$output_file"
  exit 0
fi

status=0
changes=false
details="$work/details.md"
: >"$details"
for plan in "${plans[@]}"; do
  raw="$work/raw.txt"
  text="$work/text.txt"
  code=0
  "${runner[@]}" validate --format github "$plan" >"$raw" 2>&1 || code=$?
  if [ "$code" -eq 0 ]; then
    code=0
    "${runner[@]}" plan "$plan" --detailed-exitcode --format github --no-color \
      "${target_args[@]}" >"$raw" 2>&1 || code=$?
  fi
  split_output "$raw" "$text"
  result="$(meaning "$code")"
  # shellcheck disable=SC2016
  printf '| `%s` | %s |\n' "$plan" "$result" >>"$summary_file"
  summary_block "$plan: $result" "$text" "$details"
  case "$code" in
    0) ;;
    2) changes=true ;;
    *)
      # an invalid plan already has its annotations; anything else gets one here
      if [ "$code" -ne 1 ]; then echo "::error file=$plan::bitmart-runner plan: $result (exit $code)"; fi
      if [ "$status" -eq 0 ]; then status=$code; fi
      ;;
  esac
done
printf '\n' >>"$summary_file"
cat "$details" >>"$summary_file"

echo "changes=$changes" >>"$output_file"
echo "exit-code=$status" >>"$output_file"
exit "$status"
