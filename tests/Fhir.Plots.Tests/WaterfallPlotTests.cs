using System.Xml.Linq;
using Fhir.Plots.Waterfall;
using Fhir.Trials.Model;

namespace Fhir.Plots.Tests;

public sealed class WaterfallPlotTests
{
    private static readonly WaterfallBar[] Bars =
    [
        new("s1", -45.5, Response.PR), new("s2", 12, Response.SD), new("s3", -100, Response.CR), new("s4", 63.2, Response.PD),
        new("s5", 0, Response.SD), new("s6", -30, Response.PR), new("s7", 20, null), new("s8", 150, Response.PD),
    ];

    [Fact]
    public void Bars_are_sorted_from_largest_growth_to_deepest_shrinkage()
    {
        var figure = WaterfallPlot.Layout("wf", "Waterfall", Bars);
        Assert.Equal(Bars.Select(b => b.Value).OrderDescending(), figure.Bars.Select(b => b.Value));
        Assert.Equal(Bars.Length, figure.Bars.Count);
        for (var i = 1; i < figure.Bars.Count; i++)
        {
            Assert.True(figure.Rect(i).X > figure.Rect(i - 1).X);
        }
    }

    [Fact]
    public void Bar_heights_equal_the_data_on_the_axis_scale_and_start_at_zero()
    {
        var figure = WaterfallPlot.Layout("wf", "Waterfall", Bars);
        var pixelsPerPercent = (figure.Y.PixelMin - figure.Y.PixelMax) / (figure.Y.DataMax - figure.Y.DataMin);
        var zero = figure.Y.Map(0);
        for (var i = 0; i < figure.Bars.Count; i++)
        {
            var (_, y, _, height) = figure.Rect(i);
            var value = figure.Bars[i].Value;
            Assert.Equal(Math.Abs(value) * pixelsPerPercent, height, 9);
            // Growth rises from the zero line, shrinkage hangs from it.
            Assert.Equal(value >= 0 ? zero - height : zero, y, 9);
        }
        // The axis holds every bar: 150% growth and -100% shrinkage.
        Assert.True(figure.Y.DataMax >= 150 && figure.Y.DataMin <= -100);
    }

    [Fact]
    public void The_svg_has_one_rect_per_bar_with_its_geometry_and_the_recist_lines()
    {
        var figure = WaterfallPlot.Layout("wf", "Waterfall", Bars);
        var svg = XDocument.Parse(WaterfallPlot.Render(figure));
        Svgs.AssertStrict(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var rects = svg.Descendants(ns + "g").Single(g => (string?)g.Attribute("class") == "wf-bars").Elements(ns + "rect").ToList();
        Assert.Equal(Bars.Length, rects.Count);
        for (var i = 0; i < rects.Count; i++)
        {
            Assert.Equal(Svg.SvgWriter.Num(figure.Rect(i).Height), (string)rects[i].Attribute("height")!);
        }
        var thresholds = svg.Descendants(ns + "line").Where(l => (string?)l.Attribute("class") == "wf-threshold").ToList();
        Assert.Equal(["20", "-30"], thresholds.Select(t => (string)t.Attribute("data-value")!));
        Assert.Equal(Svg.SvgWriter.Num(figure.Y.Map(-30)), (string)thresholds[1].Attribute("y1")!);
        Assert.Equal("#D55E00", Palette.Of(Response.PD));
        Assert.StartsWith("url(#wf-pd)", (string)rects[0].Attribute("fill")!, StringComparison.Ordinal);
    }
}
