#!/bin/bash
# Exactness of the quantity window and of the merged chain on a loaded server (bench README, issue 18 round 6).
# usage: window-exactness.sh NEW_BASE [OLD_BASE]
#   NEW_BASE  a server of this build, e.g. http://127.0.0.1:8080/fhir
#   OLD_BASE  optional: a server of an earlier build over the same database (the same ids), for the chains
# A value range (two criteria of one unit) is read as written (its window) and with its first value repeated
# (`geA,geA`: a criterion of two values opens no window); the id lists must be equal. A chain to the Patients of a
# family is read page by page (on PostgreSQL, merged from the references to each Patient) and, with OLD_BASE, compared
# page by page with the earlier build's. Needs curl, jq, python3.
set -u
NEW=$1; OLD=${2:-}
enc() { python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))" "$1"; }
ids() { curl -s "$1" | jq -r '[.entry[]?.resource.id] | sort | join(",")'; }
n=0; total=0; differ=0
# Every unit with values, and the lowest and highest value of a sample of its Observations.
units=$(curl -s "$NEW/Observation?_count=1000&_elements=valueQuantity" \
  | jq -r '[.entry[]?.resource.valueQuantity | select(.value != null and .code != null) | {u: ((.system // "") + "|" + .code), v: .value}]
           | group_by(.u)[] | "\(.[0].u) \(map(.v) | min) \(map(.v) | max)"')
while read -r unit lo hi; do
  [ -z "$unit" ] && continue
  for f in 0.1 0.45 0.8; do
    a=$(python3 -c "print(round($lo + ($hi - $lo) * $f, 2))"); b=$(python3 -c "print(round($lo + ($hi - $lo) * ($f + 0.05), 2))")
    u=$(enc "|$unit")
    # ge & le, gt & lt, sa & eb in the unit, and ge & le without one.
    for pair in "ge$a$u le$b$u" "gt$a$u lt$b$u" "sa$a$u eb$b$u" "ge$a le$b"; do
      first=${pair% *}; second=${pair#* }
      w=$(ids "$NEW/Observation?value-quantity=$first&value-quantity=$second&_count=1000&_elements=id")
      x=$(ids "$NEW/Observation?value-quantity=$first,$first&value-quantity=$second&_count=1000&_elements=id")
      n=$((n+1)); total=$((total + $(echo "$w" | tr ',' '\n' | grep -c .)))
      [ "$w" != "$x" ] && { differ=$((differ+1)); echo "range differs: $unit $first $second"; }
    done
  done
done <<< "$units"
# The first three pages of a chain to each of 15 families, as the new build and the old one walk them.
if [ -n "$OLD" ]; then
  for family in $(curl -s "$NEW/Patient?_count=300&_elements=name" | jq -r '.entry[]?.resource.name[0].family // empty' | sort -u | head -15); do
    a="$NEW/Observation?subject.name=$(enc "$family")&_count=20"; b="$OLD/Observation?subject.name=$(enc "$family")&_count=20"
    for page in 1 2 3; do
      ja=$(curl -s "$a"); jb=$(curl -s "$b")
      ia=$(echo "$ja" | jq -r '[.entry[]?.resource.id] | join(",")'); ib=$(echo "$jb" | jq -r '[.entry[]?.resource.id] | join(",")')
      n=$((n+1)); total=$((total + $(echo "$ia" | tr ',' '\n' | grep -c .)))
      [ "$ia" != "$ib" ] && { differ=$((differ+1)); echo "chain page $page differs: $family"; }
      a=$(echo "$ja" | jq -r '[.link[]? | select(.relation == "next") | .url][0] // empty'); b=$(echo "$jb" | jq -r '[.link[]? | select(.relation == "next") | .url][0] // empty')
      [ -z "$a" ] || [ -z "$b" ] && break
    done
  done
fi
echo "$n searches, $total ids; id lists differing: $differ"
[ $differ -eq 0 ]
