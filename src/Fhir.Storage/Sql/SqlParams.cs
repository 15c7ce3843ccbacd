using System.Data.Common;

namespace Fhir.Storage.Sql;

/// <summary>
/// Positional parameters <c>@p0, @p1...</c> collected while SQL text is built, then bound to a command.
/// </summary>
internal sealed class SqlParams
{
    private static readonly string[] Names = CreateNames(64);
    private readonly List<object> values = new(8);
    private Dictionary<object, int>? positions;

    /// <summary>
    /// When set, a value added again gets the placeholder it already has (statements whose SQL takes the placeholders
    /// <see cref="Add"/> returns, never fixed ones). SQLite looks parameters up by name with a linear scan, at parse and
    /// at bind time, so a statement's cost grows with the square of its parameters (16,000 took 1.8 s), and a search
    /// with many alternatives repeats the same code, system and unit in every one.
    /// </summary>
    public bool ReusesValues { get; init; }

    /// <summary>The number of values bound.</summary>
    public int Count => values.Count;

    /// <summary>Adds a value and returns its placeholder.</summary>
    public string Add(object value)
    {
        // Values of the same type that are equal mean the same to the database (1.0m and 1.00m compare equal too).
        if (ReusesValues && value is string or long or int or decimal or double or DateTime)
        {
            positions ??= [];
            if (positions.TryGetValue(value, out var at)) return Name(at);
            positions[value] = values.Count;
        }
        values.Add(value);
        return Name(values.Count - 1);
    }

    /// <summary>Binds every value, in order, to <paramref name="command"/> (whose parameters are empty).</summary>
    public void BindTo(DbCommand command) => Bind(command.Parameters, command.CreateParameter);

    /// <summary>Binds every value, in order, to <paramref name="command"/> of a batch (whose parameters are empty).</summary>
    public void BindTo(DbBatchCommand command) => Bind(command.Parameters, command.CreateParameter);

    private void Bind(DbParameterCollection parameters, Func<DbParameter> create)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var p = create();
            p.ParameterName = Name(i);
            p.Value = values[i];
            parameters.Add(p);
        }
    }

    /// <summary>The placeholder of position <paramref name="i"/>.</summary>
    public static string Name(int i) => i < Names.Length ? Names[i] : "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string[] CreateNames(int n)
    {
        var names = new string[n];
        for (var i = 0; i < n; i++) names[i] = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return names;
    }
}
