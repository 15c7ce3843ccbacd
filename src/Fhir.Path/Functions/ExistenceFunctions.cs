using Fhir.Path.Evaluation;

namespace Fhir.Path.Functions;

/// <summary>Existence functions: empty, exists, all, allTrue, anyTrue, allFalse, anyFalse, subsetOf, supersetOf, count, distinct, isDistinct.</summary>
internal static class ExistenceFunctions
{
    public static IEnumerable<FunctionDef> All()
    {
        yield return new("empty", 0, 0, (_, _, input, _) => Items.Of(input.Count == 0));
        yield return new("exists", 0, 1, Exists);
        yield return new("all", 1, 1, AllMatch);
        yield return new("allTrue", 0, 0, (_, _, input, site) => Items.Of(Booleans(input, site, all: true, expected: true)));
        yield return new("anyTrue", 0, 0, (_, _, input, site) => Items.Of(Booleans(input, site, all: false, expected: true)));
        yield return new("allFalse", 0, 0, (_, _, input, site) => Items.Of(Booleans(input, site, all: true, expected: false)));
        yield return new("anyFalse", 0, 0, (_, _, input, site) => Items.Of(Booleans(input, site, all: false, expected: false)));
        yield return new("subsetOf", 1, 1, (frame, focus, input, site) => Items.Of(IsSubset(input, Args.Value(frame, focus, site, 0))));
        yield return new("supersetOf", 1, 1, (frame, focus, input, site) => Items.Of(IsSubset(Args.Value(frame, focus, site, 0), input)));
        yield return new("count", 0, 0, (_, _, input, _) => Items.Of(input.Count));
        yield return new("distinct", 0, 0, (_, _, input, _) => Equality.Distinct(input));
        yield return new("isDistinct", 0, 0, (_, _, input, _) => Items.Of(Equality.Distinct(input).Count == input.Count));
        yield return new("not", 0, 0, Not);
    }

    private static IReadOnlyList<object> Exists(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        if (site.Args.Length == 0)
        {
            return Items.Of(input.Count > 0);
        }
        for (var i = 0; i < input.Count; i++)
        {
            if (Args.Criterion(Args.ForItem(frame, site, 0, input[i], i)))
            {
                return Items.True;
            }
        }
        return Items.False;
    }

    private static IReadOnlyList<object> AllMatch(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        for (var i = 0; i < input.Count; i++)
        {
            if (!Args.Criterion(Args.ForItem(frame, site, 0, input[i], i)))
            {
                return Items.False;
            }
        }
        return Items.True;
    }

    private static bool Booleans(IReadOnlyList<object> input, CallSite site, bool all, bool expected)
    {
        foreach (var item in input)
        {
            var value = Values.ToSystem(item);
            if (value is not bool b)
            {
                throw site.Fail($"the input must contain only booleans, not {(value is null ? "a value-less primitive" : Values.Describe(value))}");
            }
            if (all && b != expected)
            {
                return false;
            }
            if (!all && b == expected)
            {
                return true;
            }
        }
        return all;
    }

    private static bool IsSubset(IReadOnlyList<object> subset, IReadOnlyList<object> superset)
    {
        foreach (var item in subset)
        {
            if (!Equality.Contains(superset, item))
            {
                return false;
            }
        }
        return true;
    }

    private static IReadOnlyList<object> Not(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site) =>
        Args.Truth(input, site.Fail) switch
        {
            true => Items.False,
            false => Items.True,
            null => Items.Empty,
        };
}
