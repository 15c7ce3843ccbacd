using Fhir.Core.Primitives;
using Fhir.Core.Ucum;
using Fhir.Path.Evaluation;
using Fhir.Path.Types;

namespace Fhir.Path.Functions;

/// <summary>
/// Utility, tree-navigation and aggregate functions: trace, now, today, timeOfDay, type, children, descendants,
/// aggregate, sum, min, max, avg, sort, defineVariable, the 2.0 boundary functions (lowBoundary, highBoundary,
/// precision, comparable) and the date component functions (yearOf ... timeOf).
/// </summary>
internal static class UtilityFunctions
{
    public static IEnumerable<FunctionDef> All()
    {
        yield return new("trace", 1, 2, Trace, Pure: false);
        yield return new("now", 0, 0, (frame, _, _, _) => Items.Single(FhirPathDateTime.FromDateTimeOffset(frame.Now)), Pure: false);
        yield return new("today", 0, 0, (frame, _, _, _) => Items.Single(new FhirPathDate(frame.Now.Year, frame.Now.Month, frame.Now.Day)), Pure: false);
        yield return new("timeOfDay", 0, 0, (frame, _, _, _) =>
            Items.Single(new FhirPathTime(frame.Now.Hour, frame.Now.Minute, frame.Now.Second, frame.Now.Millisecond, DateTimePrecision.Fraction)), Pure: false);
        yield return new("type", 0, 0, (_, _, input, _) => Map(input, ResolvedType.InfoOf));
        yield return new("children", 0, 0, (_, _, input, _) => Navigation.Children(input));
        yield return new("descendants", 0, 0, (_, _, input, _) => Navigation.Descendants(input));
        yield return new("aggregate", 1, 2, Aggregate);
        yield return new("sum", 0, 0, (_, _, input, site) => Fold(input, site, (a, b) => Arithmetic.Add(a, b, site.Fail)));
        yield return new("min", 0, 0, (_, _, input, site) => Fold(input, site, (a, b) => Ordering.Compare(b, a, site.Fail) < 0 ? b : a));
        yield return new("max", 0, 0, (_, _, input, site) => Fold(input, site, (a, b) => Ordering.Compare(b, a, site.Fail) > 0 ? b : a));
        yield return new("avg", 0, 0, Average);
        yield return new("sort", 0, int.MaxValue, Sort);
        yield return new("defineVariable", 1, 2, DefineVariable, Pure: false);
        yield return new("lowBoundary", 0, 1, (frame, focus, input, site) => Boundary(frame, focus, input, site, high: false));
        yield return new("highBoundary", 0, 1, (frame, focus, input, site) => Boundary(frame, focus, input, site, high: true));
        yield return new("precision", 0, 0, Precision);
        yield return new("comparable", 1, 1, Comparable);
        yield return new("yearOf", 0, 0, (_, _, input, site) => Component(input, site, DateTimePrecision.Year));
        yield return new("monthOf", 0, 0, (_, _, input, site) => Component(input, site, DateTimePrecision.Month));
        yield return new("dayOf", 0, 0, (_, _, input, site) => Component(input, site, DateTimePrecision.Day));
        yield return new("hourOf", 0, 0, (_, _, input, site) => Component(input, site, DateTimePrecision.Hour));
        yield return new("minuteOf", 0, 0, (_, _, input, site) => Component(input, site, DateTimePrecision.Minute));
        yield return new("secondOf", 0, 0, (_, _, input, site) => Component(input, site, DateTimePrecision.Second));
        yield return new("millisecondOf", 0, 0, (_, _, input, site) => Component(input, site, DateTimePrecision.Fraction));
        yield return new("timezoneOffsetOf", 0, 0, TimezoneOffset);
        yield return new("dateOf", 0, 0, (_, _, input, site) => Temporal(input, site) switch
        {
            FhirPathDateTime dt => Items.Single(dt.ToDate()),
            FhirPathDate d => Items.Single(d),
            _ => Items.Empty,
        });
        yield return new("timeOf", 0, 0, (_, _, input, site) => Temporal(input, site) is FhirPathDateTime { Precision: >= DateTimePrecision.Hour } dt
            ? Items.Single(new FhirPathTime(dt.Hour, dt.Minute, dt.Second, dt.Millisecond, dt.Precision))
            : Items.Empty);
    }

    private static IReadOnlyList<object> Map(IReadOnlyList<object> input, Func<object, object> map)
    {
        if (input.Count == 0)
        {
            return Items.Empty;
        }
        var result = new object[input.Count];
        for (var i = 0; i < input.Count; i++)
        {
            result[i] = map(input[i]);
        }
        return result;
    }

    private static IReadOnlyList<object> Trace(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var sink = frame.Context.Trace;
        if (sink is null)
        {
            return input;
        }
        var name = Args.String(frame, focus, site, 0) ?? "";
        if (site.Args.Length < 2)
        {
            sink(name, input);
            return input;
        }
        var projected = new List<object>();
        for (var i = 0; i < input.Count; i++)
        {
            projected.AddRange(Args.ForItem(frame, site, 1, input[i], i));
        }
        sink(name, projected);
        return input;
    }

    private static IReadOnlyList<object> Aggregate(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var saved = frame.Total;
        try
        {
            var total = site.Args.Length > 1 ? site.Args[1](frame, focus) : Items.Empty;
            for (var i = 0; i < input.Count; i++)
            {
                frame.Total = total;
                total = Args.ForItem(frame, site, 0, input[i], i);
            }
            return total;
        }
        finally
        {
            frame.Total = saved;
        }
    }

    private static IReadOnlyList<object> Fold(IReadOnlyList<object> input, CallSite site, Func<object, object, object?> step)
    {
        if (input.Count == 0)
        {
            return Items.Empty;
        }
        object? acc = null;
        foreach (var item in input)
        {
            var value = Values.ToSystem(item);
            if (value is null)
            {
                continue;
            }
            if (value is not (int or long or decimal or FhirPathQuantity or string or FhirPathDate or FhirPathDateTime or FhirPathTime))
            {
                throw site.Fail($"cannot aggregate {Values.Describe(value)}");
            }
            acc = acc is null ? value : step(acc, value);
            if (acc is null)
            {
                return Items.Empty;
            }
        }
        return acc is null ? Items.Empty : Items.Single(acc);
    }

    private static IReadOnlyList<object> Average(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var sum = Fold(input, site, (a, b) => Arithmetic.Add(a, b, site.Fail));
        if (sum.Count == 0)
        {
            return Items.Empty;
        }
        var total = Arithmetic.Divide(sum[0], input.Count, site.Fail);
        return total is null ? Items.Empty : Items.Single(total);
    }

    /// <summary><c>sort([key, ...])</c>: a key written with a leading minus sorts descending. Items with no key sort first.</summary>
    private static IReadOnlyList<object> Sort(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        if (input.Count < 2)
        {
            return input;
        }
        var descending = site.Cache as bool[] ?? new bool[site.Args.Length];
        var keys = new object?[input.Count][];
        for (var i = 0; i < input.Count; i++)
        {
            var row = new object?[Math.Max(1, site.Args.Length)];
            if (site.Args.Length == 0)
            {
                row[0] = Values.ToSystem(input[i]);
            }
            for (var k = 0; k < site.Args.Length; k++)
            {
                var key = Args.ForItem(frame, site, k, input[i], i);
                if (key.Count > 1)
                {
                    throw site.Fail($"sort key {k + 1} gave {key.Count} items for one input item");
                }
                row[k] = key.Count == 0 ? null : Values.ToSystem(key[0]);
            }
            keys[i] = row;
        }
        var order = Enumerable.Range(0, input.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            for (var k = 0; k < keys[a].Length; k++)
            {
                var x = keys[a][k];
                var y = keys[b][k];
                int c;
                if (x is null || y is null)
                {
                    // Items without a key come first, whatever the direction.
                    c = x is null ? (y is null ? 0 : -1) : 1;
                    if (c != 0)
                    {
                        return c;
                    }
                    continue;
                }
                c = Ordering.Compare(x, y, site.Fail) ?? 0;
                if (c != 0)
                {
                    return k < descending.Length && descending[k] ? -c : c;
                }
            }
            return a.CompareTo(b);
        });
        var result = new object[input.Count];
        for (var i = 0; i < order.Length; i++)
        {
            result[i] = input[order[i]];
        }
        return result;
    }

    private static IReadOnlyList<object> DefineVariable(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var name = Args.String(frame, focus, site, 0) ?? throw site.Fail("the variable needs a name");
        if (frame.IsDefined(name) || EnvironmentVariables.IsBuiltIn(name) || frame.Context.Variables?.ContainsKey(name) == true)
        {
            throw site.Fail($"the variable '%{name}' is already defined");
        }
        var value = site.Args.Length > 1 ? site.Args[1](frame, input) : input;
        frame.Define(name, value);
        return input;
    }

    private static IReadOnlyList<object> Boundary(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site, bool high)
    {
        var value = Args.SingleInput(input, site);
        var precision = site.Args.Length > 0 ? Args.Integer(frame, focus, site, 0) : null;
        if (value is null || (site.Args.Length > 0 && precision is null))
        {
            return Items.Empty;
        }
        var result = value switch
        {
            int or long or decimal => Boundaries.Decimal(Equality.ToDecimal(value), precision ?? 8, high),
            FhirPathQuantity q => Boundaries.Decimal(q.Value, precision ?? 8, high) is decimal d ? new FhirPathQuantity(d, q.Unit) : null,
            FhirPathDate date => Boundaries.DateTime(date.ToDateTime(), precision, high, isDate: true),
            FhirPathDateTime dt => Boundaries.DateTime(dt, precision, high, isDate: false),
            FhirPathTime t => Boundaries.Time(t, precision ?? 9, high),
            _ => throw site.Fail($"cannot compute a boundary of {Values.Describe(value)}"),
        };
        return result is null ? Items.Empty : Items.Single(result);
    }

    private static IReadOnlyList<object> Precision(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site) =>
        Args.SingleInput(input, site) switch
        {
            null => Items.Empty,
            int or long => Items.Of(0),
            decimal d => Items.Of(d.Scale),
            FhirPathQuantity q => Items.Of(q.Value.Scale),
            FhirPathDate date => Items.Of(Boundaries.Digits(date.Precision)),
            FhirPathDateTime dt => Items.Of(Boundaries.Digits(dt.Precision)),
            FhirPathTime t => Items.Of(Boundaries.Digits(t.Precision) - 8),
            var other => throw site.Fail($"{Values.Describe(other)} has no precision"),
        };

    private static IReadOnlyList<object> Comparable(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var a = Args.SingleInput(input, site);
        var b = Args.Single(frame, focus, site, 0);
        if (a is null || b is null)
        {
            return Items.Empty;
        }
        var qa = a as FhirPathQuantity ?? (a is int or long or decimal ? new FhirPathQuantity(Equality.ToDecimal(a)) : null);
        var qb = b as FhirPathQuantity ?? (b is int or long or decimal ? new FhirPathQuantity(Equality.ToDecimal(b)) : null);
        if (qa is null || qb is null)
        {
            throw site.Fail("comparable() compares quantities");
        }
        if (qa.Unit == qb.Unit)
        {
            return Items.True;
        }
        if (qa.IsCalendarDuration || qb.IsCalendarDuration)
        {
            return Items.Of(QuantityMath.TryAlign(qa, qb, out _, out _, out _));
        }
        return Items.Of(Ucum.AreComparable(qa.Unit, qb.Unit));
    }

    private static IReadOnlyList<object> Component(IReadOnlyList<object> input, CallSite site, DateTimePrecision part)
    {
        var value = Temporal(input, site);
        int? result = value switch
        {
            FhirPathDate d when d.Precision >= part => part switch
            {
                DateTimePrecision.Year => d.Year,
                DateTimePrecision.Month => d.Month,
                _ => d.Day,
            },
            FhirPathDateTime dt when dt.Precision >= part => part switch
            {
                DateTimePrecision.Year => dt.Year,
                DateTimePrecision.Month => dt.Month,
                DateTimePrecision.Day => dt.Day,
                DateTimePrecision.Hour => dt.Hour,
                DateTimePrecision.Minute => dt.Minute,
                DateTimePrecision.Second => dt.Second,
                _ => dt.Millisecond,
            },
            FhirPathTime t when t.Precision >= part && part >= DateTimePrecision.Hour => part switch
            {
                DateTimePrecision.Hour => t.Hour,
                DateTimePrecision.Minute => t.Minute,
                DateTimePrecision.Second => t.Second,
                _ => t.Millisecond,
            },
            _ => null,
        };
        return result is null ? Items.Empty : Items.Of(result.Value);
    }

    /// <summary>The input as a date, date/time or time; a string is read as one when it can be.</summary>
    private static object? Temporal(IReadOnlyList<object> input, CallSite site) =>
        Args.SingleInput(input, site) is string s ? ConversionFunctions.ToDateTime(s) ?? ConversionFunctions.ToTime(s) : Args.SingleInput(input, site);

    private static IReadOnlyList<object> TimezoneOffset(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site) =>
        Temporal(input, site) is FhirPathDateTime { Offset: { } offset }
            ? Items.Single((decimal)offset.TotalHours)
            : Items.Empty;
}
