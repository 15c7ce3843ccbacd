#!/bin/bash
# Exactness of the pair indexes on a loaded server: code + date searches and the patients of a code (bench README, issue 18
# round 5).
# usage: pair-exactness.sh NEW_BASE [OLD_BASE]
#   NEW_BASE  a server of this build, e.g. http://127.0.0.1:8080/fhir
#   OLD_BASE  optional: a server of an earlier build over the same data (ids may differ: only counts are compared)
# Each search is read as written (a date window from the pair index; the patients of a code from the patient pairs) and
# with its code repeated 11 times (too many values to pair, so read without them); the id lists must be equal. Needs curl,
# jq, python3.
set -u
NEW=$1; OLD=${2:-}
codes=$(curl -s "$NEW/Observation?_count=300&_elements=code" | jq -r '.entry[].resource.code.coding[0] | .system + "|" + .code' | sort -u | head -14)
n=0; ids=0; idd=0; cd=0
for c in $codes; do
  e=$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))" "$c")
  rep=$(python3 -c "import sys;print(','.join([sys.argv[1]]*11))" "$e")
  for q in "date=ge1990-01-01&date=lt1991-01-01" "date=ge2005-01-01&date=lt2006-01-01" "date=ge2019-06-01" "date=lt1985-01-01" \
           "date=2015" "date=ge2010-03-01&date=le2010-03-31" "date=gt2012-05-05&date=le2012-05-06" "date=sa2001-01-01&date=eb2003-01-01"; do
    a=$(curl -s "$NEW/Observation?code=$e&$q&_count=1000&_elements=id" | jq -r '[.entry[]?.resource.id] | sort | join(",")')
    b=$(curl -s "$NEW/Observation?code=$rep&$q&_count=1000&_elements=id" | jq -r '[.entry[]?.resource.id] | sort | join(",")')
    n=$((n+1)); ids=$((ids + $(echo "$a" | tr ',' '\n' | grep -c .)))
    [ "$a" != "$b" ] && { idd=$((idd+1)); echo "ids differ: $c $q"; }
    if [ -n "$OLD" ]; then
      ca=$(curl -s "$NEW/Observation?code=$e&$q&_summary=count" | jq .total); cb=$(curl -s "$OLD/Observation?code=$e&$q&_summary=count" | jq .total)
      [ "$ca" != "$cb" ] && { cd=$((cd+1)); echo "count differs: $c $q $ca $cb"; }
    fi
  done
done
# The patients of each code (the patient pairs), as written and with the code repeated 11 times (read from the references).
for c in $codes; do
  e=$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))" "$c")
  for code in "$e" "${e#*%7C}"; do
    a=$(curl -s "$NEW/Patient?_has:Observation:patient:code=$code&_count=1000&_elements=id" | jq -r '[.entry[]?.resource.id] | join(",")')
    b=$(curl -s "$NEW/Patient?_has:Observation:patient:code=$(python3 -c "import sys;print(','.join([sys.argv[1]]*11))" "$code")&_count=1000&_elements=id" | jq -r '[.entry[]?.resource.id] | join(",")')
    n=$((n+1)); ids=$((ids + $(echo "$a" | tr ',' '\n' | grep -c .)))
    [ "$a" != "$b" ] && { idd=$((idd+1)); echo "patients differ: $code"; }
  done
done
echo "$n searches, $ids ids; id lists differing: $idd${OLD:+; counts differing from the old build: $cd}"
[ $idd -eq 0 ] && [ $cd -eq 0 ]
