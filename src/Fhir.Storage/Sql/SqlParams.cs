using System.Data.Common;

namespace Fhir.Storage.Sql;

/// <summary>Positional parameters <c>@p0, @p1...</c> collected while SQL text is built, then bound to a command.</summary>
internal sealed class SqlParams
{
    private static readonly string[] Names = CreateNames(64);
    private readonly List<object> values = new(8);

    /// <summary>Adds a value and returns its placeholder.</summary>
    public string Add(object value)
    {
        values.Add(value);
        return Name(values.Count - 1);
    }

    /// <summary>Binds every value, in order, to <paramref name="command"/> (whose parameters are empty).</summary>
    public void BindTo(DbCommand command)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = Name(i);
            p.Value = values[i];
            command.Parameters.Add(p);
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
