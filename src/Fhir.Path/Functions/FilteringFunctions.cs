using Fhir.Path.Evaluation;

namespace Fhir.Path.Functions;

/// <summary>Filtering and projection: where, select, repeat, ofType; and the type functions is, as.</summary>
internal static class FilteringFunctions
{
    public static IEnumerable<FunctionDef> All()
    {
        yield return new("where", 1, 1, Where);
        yield return new("select", 1, 1, Select);
        yield return new("repeat", 1, 1, Repeat);
        yield return new("ofType", 1, 1, OfType);
        yield return new("is", 1, 1, Is);
        yield return new("as", 1, 1, As);
    }

    private static IReadOnlyList<object> Where(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        List<object>? result = null;
        var all = true;
        for (var i = 0; i < input.Count; i++)
        {
            if (Args.Criterion(Args.ForItem(frame, site, 0, input[i], i)))
            {
                if (!all)
                {
                    (result ??= []).Add(input[i]);
                }
            }
            else if (all)
            {
                all = false;
                result = new List<object>(input.Count);
                for (var j = 0; j < i; j++)
                {
                    result.Add(input[j]);
                }
            }
        }
        return all ? input : Items.From(result);
    }

    private static IReadOnlyList<object> Select(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        if (input.Count == 1)
        {
            return Args.ForItem(frame, site, 0, input[0], 0);
        }
        List<object>? result = null;
        for (var i = 0; i < input.Count; i++)
        {
            var projected = Args.ForItem(frame, site, 0, input[i], i);
            if (projected.Count > 0)
            {
                (result ??= []).AddRange(projected);
            }
        }
        return Items.From(result);
    }

    /// <summary>Applies the projection to the input, then to what it produced, until nothing new appears.</summary>
    private static IReadOnlyList<object> Repeat(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var result = new List<object>();
        var pending = input;
        while (pending.Count > 0)
        {
            var next = new List<object>();
            for (var i = 0; i < pending.Count; i++)
            {
                foreach (var item in Args.ForItem(frame, site, 0, pending[i], i))
                {
                    // New when not equal to an item already found (so that the repetition ends).
                    if (!Equality.Contains(result, item))
                    {
                        result.Add(item);
                        next.Add(item);
                    }
                }
            }
            pending = next;
        }
        return Items.From(result);
    }

    private static ResolvedType? TypeOf(CallSite site) =>
        site.ResolvedType ?? (site.TypeArgument is { } name && ResolvedType.IsUnknownSystemName(name)
            ? null
            : throw site.Fail($"unknown type '{site.TypeArgument}'"));

    private static IReadOnlyList<object> OfType(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var type = TypeOf(site);
        if (type is null || input.Count == 0)
        {
            return Items.Empty;
        }
        List<object>? result = null;
        var all = true;
        for (var i = 0; i < input.Count; i++)
        {
            if (type.MatchesExactly(input[i]))
            {
                if (!all)
                {
                    (result ??= []).Add(input[i]);
                }
            }
            else if (all)
            {
                all = false;
                result = [];
                for (var j = 0; j < i; j++)
                {
                    result.Add(input[j]);
                }
            }
        }
        return all ? input : Items.From(result);
    }

    private static IReadOnlyList<object> Is(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var type = TypeOf(site);
        if (input.Count == 0)
        {
            return Items.Empty;
        }
        if (input.Count > 1)
        {
            throw site.Fail($"the input must be a single item, not {input.Count}");
        }
        return Items.Of(type is not null && type.Matches(input[0]));
    }

    private static IReadOnlyList<object> As(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        if (input.Count > 1 && site.AsRequiresSingleton)
        {
            throw site.Fail($"the input must be a single item, not {input.Count} (use ofType() to filter a collection)");
        }
        // R4's own definitions apply as() to collections (dom-3, useContext search parameters): it filters them.
        return OfType(frame, focus, input, site);
    }
}
