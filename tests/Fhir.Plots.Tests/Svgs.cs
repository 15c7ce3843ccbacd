using System.Xml.Linq;

namespace Fhir.Plots.Tests;

internal static class Svgs
{
    /// <summary>What a strict Content-Security-Policy needs of inline SVG: no style attributes or elements, no script, no event handlers; and an accessible name.</summary>
    public static void AssertStrict(XDocument svg)
    {
        var all = svg.Descendants().ToList();
        Assert.DoesNotContain(all, e => e.Name.LocalName is "style" or "script" or "foreignObject");
        Assert.DoesNotContain(all.SelectMany(e => e.Attributes()), a => a.Name.LocalName == "style" || a.Name.LocalName.StartsWith("on", StringComparison.Ordinal));
        Assert.Equal("img", (string?)svg.Root!.Attribute("role"));
        Assert.False(string.IsNullOrWhiteSpace(svg.Root.Elements().First(e => e.Name.LocalName == "title").Value));
        Assert.False(string.IsNullOrWhiteSpace(svg.Root.Elements().First(e => e.Name.LocalName == "desc").Value));
    }
}
