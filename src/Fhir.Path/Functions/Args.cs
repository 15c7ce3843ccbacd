using Fhir.Core.Model;
using Fhir.Path.Evaluation;

namespace Fhir.Path.Functions;

/// <summary>Argument and input helpers for function bodies.</summary>
internal static class Args
{
    /// <summary>Evaluates a value argument against the scope's focus.</summary>
    public static IReadOnlyList<object> Value(Frame frame, IReadOnlyList<object> focus, CallSite site, int index) =>
        site.Args[index](frame, focus);

    /// <summary>Evaluates an argument once per item, with <c>$this</c> the item and <c>$index</c> its position.</summary>
    public static IReadOnlyList<object> ForItem(Frame frame, CallSite site, int index, object item, int position)
    {
        var saved = frame.Index;
        var scope = frame.Defined;
        frame.Index = position;
        try
        {
            return site.Args[index](frame, Items.Single(item));
        }
        finally
        {
            frame.Index = saved;
            frame.Defined = scope;
        }
    }

    /// <summary>A value argument that must be at most one item: its system value, or null when empty.</summary>
    public static object? Single(Frame frame, IReadOnlyList<object> focus, CallSite site, int index)
    {
        var value = Value(frame, focus, site, index);
        if (value.Count == 0)
        {
            return null;
        }
        if (value.Count > 1)
        {
            throw site.Fail($"argument {index + 1} must be a single item, not {value.Count}");
        }
        return Values.ToSystem(value[0]);
    }

    public static string? String(Frame frame, IReadOnlyList<object> focus, CallSite site, int index)
    {
        var value = Single(frame, focus, site, index);
        return value switch
        {
            null => null,
            string s => s,
            _ => throw site.Fail($"argument {index + 1} must be a string, not {Values.Describe(value)}"),
        };
    }

    public static int? Integer(Frame frame, IReadOnlyList<object> focus, CallSite site, int index)
    {
        var value = Single(frame, focus, site, index);
        return value switch
        {
            null => null,
            int i => i,
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            _ => throw site.Fail($"argument {index + 1} must be an integer, not {Values.Describe(value)}"),
        };
    }

    /// <summary>The input as at most one item (its system value; a complex node itself), or null when empty.</summary>
    public static object? SingleInput(IReadOnlyList<object> input, CallSite site)
    {
        if (input.Count == 0)
        {
            return null;
        }
        if (input.Count > 1)
        {
            throw site.Fail($"the input must be a single item, not {input.Count}");
        }
        return Values.ToSystem(input[0]);
    }

    /// <summary>The input as at most one string; null when empty; fails for other types.</summary>
    public static string? StringInput(IReadOnlyList<object> input, CallSite site)
    {
        if (input.Count == 0)
        {
            return null;
        }
        if (input.Count > 1)
        {
            throw site.Fail($"the input must be a single string, not {input.Count} items");
        }
        if (Values.TryGetString(input[0], out var s))
        {
            return s;
        }
        if (input[0] is ElementNode { Value: null } node && Values.IsPrimitive(node))
        {
            return null;
        }
        throw site.Fail($"the input must be a string, not {Values.Describe(input[0])}");
    }

    /// <summary>
    /// The result of a criterion of <c>where()</c>, <c>exists()</c> or <c>all()</c>: empty is false, one boolean is
    /// itself, anything else (several items, a non-boolean) is true, as common R4 usage (<c>name.exists(given)</c>) needs.
    /// </summary>
    public static bool Criterion(IReadOnlyList<object> value)
    {
        if (value.Count == 0)
        {
            return false;
        }
        return value.Count > 1 || Values.ToSystem(value[0]) is not bool b || b;
    }

    /// <summary>FHIRPath singleton evaluation as a boolean: empty is null, one boolean is itself, any other single item is true.</summary>
    public static bool? Truth(IReadOnlyList<object> value, Func<string, Exception> fail)
    {
        if (value.Count == 0)
        {
            return null;
        }
        if (value.Count > 1)
        {
            throw fail($"expected a single boolean, found {value.Count} items");
        }
        var v = Values.ToSystem(value[0]);
        return v switch
        {
            bool b => b,
            null => null,
            _ => true,
        };
    }
}
