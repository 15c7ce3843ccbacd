using System.Xml.Linq;
using Fhir.Plots.Swimmer;

namespace Fhir.Plots.Tests;

public sealed class SwimmerPlotTests
{
    private static readonly SwimmerLane[] Lanes =
    [
        new("a", "A", 0, 3.5, false, 2, 3, null),
        new("b", "B", 1, 12, true, 1.5, null, null),
        new("c", "A", 0, 6, false, null, 5.5, 7),
    ];

    [Fact]
    public void Lanes_run_longest_first_and_markers_sit_at_their_times()
    {
        var figure = SwimmerPlot.Layout("sw", "Swimmer", Lanes, ["A", "B"]);
        Assert.Equal(["b", "c", "a"], figure.Lanes.Select(l => l.SubjectId));
        Assert.True(figure.X.DataMax >= 12);
        var svg = XDocument.Parse(SwimmerPlot.Render(figure));
        Svgs.AssertStrict(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        string D(string cls) => (string)svg.Descendants(ns + "path").Single(p => (string?)p.Attribute("class") == cls).Attribute("d")!;
        Assert.Equal(2, D("sw-response").Count(c => c == 'M'));
        Assert.Equal(2, D("sw-progression").Count(c => c == 'M'));
        Assert.Equal(1, D("sw-ongoing").Count(c => c == 'M'));
        // The death of lane c (second from the top) is a cross centred on x(7).
        var marker = Math.Clamp(figure.LaneHeight * 0.45, 2.5, 5);
        Assert.StartsWith($"M{Svg.SvgWriter.Num(figure.X.Map(7) - marker)} {Svg.SvgWriter.Num(figure.LaneCentre(1) - marker)}", D("sw-death"), StringComparison.Ordinal);
        // One bar path per arm; bar b (top lane) ends at x(12).
        var bars = svg.Descendants(ns + "path").Where(p => (string?)p.Attribute("class") == "sw-bars").ToList();
        Assert.Equal(["A", "B"], bars.Select(b => (string)b.Attribute("data-arm")!));
        Assert.Contains($"h{Svg.SvgWriter.Num(figure.X.Map(12) - figure.X.Map(0))}", (string)bars[1].Attribute("d")!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_thousand_lanes_stay_small()
    {
        var many = Enumerable.Range(0, 1000).Select(i => new SwimmerLane("s" + i, "A", 0, i % 37, i % 3 == 0, i % 5 == 0 ? 1 : null, i % 4 == 0 ? 2 : null, null)).ToList();
        var svg = SwimmerPlot.Render(SwimmerPlot.Layout("sw", "Swimmer", many, ["A"]));
        Assert.True(svg.Length < 150_000, $"{svg.Length} characters");
    }
}
