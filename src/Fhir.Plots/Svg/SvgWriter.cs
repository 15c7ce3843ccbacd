using System.Globalization;
using System.Text;

namespace Fhir.Plots.Svg;

/// <summary>
/// Writes SVG text with presentation attributes only (no <c>style</c> attributes, no script), so that a page with a strict
/// Content-Security-Policy can show it. Numbers are written invariantly with at most two decimals.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _text = new();

    public SvgWriter Raw(string text)
    {
        _text.Append(text);
        return this;
    }

    /// <summary>Opens an element; <paramref name="attributes"/> are name/value pairs (null values are left out).</summary>
    public SvgWriter Open(string name, params (string Name, object? Value)[] attributes)
    {
        _text.Append('<').Append(name);
        WriteAttributes(attributes);
        _text.Append('>');
        return this;
    }

    public SvgWriter Close(string name)
    {
        _text.Append("</").Append(name).Append('>');
        return this;
    }

    public SvgWriter Empty(string name, params (string Name, object? Value)[] attributes)
    {
        _text.Append('<').Append(name);
        WriteAttributes(attributes);
        _text.Append("/>");
        return this;
    }

    public SvgWriter Element(string name, string content, params (string Name, object? Value)[] attributes)
    {
        Open(name, attributes);
        _text.Append(Escape(content));
        return Close(name);
    }

    private void WriteAttributes((string Name, object? Value)[] attributes)
    {
        foreach (var (n, v) in attributes)
        {
            if (v is null || v is string { Length: 0 })
            {
                continue;
            }
            _text.Append(' ').Append(n).Append("=\"").Append(Escape(Format(v))).Append('"');
        }
    }

    public static string Format(object value) => value switch
    {
        double d => Num(d),
        float f => Num(f),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A number with at most two decimals (a hundredth of a pixel is beyond any screen).</summary>
    public static string Num(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal);

    public override string ToString() => _text.ToString();
}
