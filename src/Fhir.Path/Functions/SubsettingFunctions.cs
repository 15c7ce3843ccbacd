using Fhir.Path.Evaluation;

namespace Fhir.Path.Functions;

/// <summary>Subsetting and combining: single, first, last, tail, skip, take, intersect, exclude, union, combine.</summary>
internal static class SubsettingFunctions
{
    public static IEnumerable<FunctionDef> All()
    {
        yield return new("single", 0, 0, (_, _, input, site) => input.Count <= 1 ? input : throw site.Fail($"the input has {input.Count} items, not one"));
        yield return new("first", 0, 0, (_, _, input, _) => input.Count <= 1 ? input : Items.Single(input[0]));
        yield return new("last", 0, 0, (_, _, input, _) => input.Count <= 1 ? input : Items.Single(input[^1]));
        yield return new("tail", 0, 0, (_, _, input, _) => Range(input, 1, input.Count - 1));
        yield return new("skip", 1, 1, (frame, focus, input, site) =>
            Args.Integer(frame, focus, site, 0) is { } n ? Range(input, Math.Max(n, 0), input.Count - Math.Max(n, 0)) : Items.Empty);
        yield return new("take", 1, 1, (frame, focus, input, site) =>
            Args.Integer(frame, focus, site, 0) is { } n ? Range(input, 0, Math.Min(n, input.Count)) : Items.Empty);
        yield return new("intersect", 1, 1, Intersect);
        yield return new("exclude", 1, 1, Exclude);
        yield return new("union", 1, 1, (frame, focus, input, site) => Union(input, Args.Value(frame, focus, site, 0)));
        yield return new("combine", 1, 1, (frame, focus, input, site) => Combine(input, Args.Value(frame, focus, site, 0)));
    }

    public static IReadOnlyList<object> Range(IReadOnlyList<object> input, int start, int count)
    {
        if (count <= 0 || start >= input.Count)
        {
            return Items.Empty;
        }
        if (start == 0 && count >= input.Count)
        {
            return input;
        }
        var result = new object[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = input[start + i];
        }
        return result;
    }

    private static IReadOnlyList<object> Intersect(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var other = Args.Value(frame, focus, site, 0);
        if (input.Count == 0 || other.Count == 0)
        {
            return Items.Empty;
        }
        var result = new List<object>();
        foreach (var item in input)
        {
            if (Equality.Contains(other, item) && !Equality.Contains(result, item))
            {
                result.Add(item);
            }
        }
        return Items.From(result);
    }

    private static IReadOnlyList<object> Exclude(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var other = Args.Value(frame, focus, site, 0);
        if (input.Count == 0 || other.Count == 0)
        {
            return input;
        }
        var result = new List<object>(input.Count);
        foreach (var item in input)
        {
            if (!Equality.Contains(other, item))
            {
                result.Add(item);
            }
        }
        return Items.From(result);
    }

    /// <summary>Both collections without duplicates, in order of first appearance.</summary>
    public static IReadOnlyList<object> Union(IReadOnlyList<object> a, IReadOnlyList<object> b) => Equality.Union(a, b);

    public static IReadOnlyList<object> Combine(IReadOnlyList<object> a, IReadOnlyList<object> b)
    {
        if (b.Count == 0)
        {
            return a;
        }
        if (a.Count == 0)
        {
            return b;
        }
        var result = new object[a.Count + b.Count];
        for (var i = 0; i < a.Count; i++)
        {
            result[i] = a[i];
        }
        for (var i = 0; i < b.Count; i++)
        {
            result[a.Count + i] = b[i];
        }
        return result;
    }
}
