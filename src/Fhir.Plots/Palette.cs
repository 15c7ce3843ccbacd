using Fhir.Trials.Model;

namespace Fhir.Plots;

/// <summary>
/// Okabe-Ito's colour-blind-safe colours, each paired with a dash pattern or fill pattern so that the plots still read
/// in greyscale print.
/// </summary>
public static class Palette
{
    /// <summary>Colours of groups (arms), in order: blue, vermillion, bluish green, reddish purple, orange, sky blue.</summary>
    public static IReadOnlyList<string> Groups { get; } = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

    /// <summary>Dash patterns of groups (SVG <c>stroke-dasharray</c>; empty for solid), in the order of <see cref="Groups"/>.</summary>
    public static IReadOnlyList<string> Dashes { get; } = ["", "7 3", "2 2", "9 3 2 3", "4 4", "1 3"];

    /// <summary>The colour of group <paramref name="index"/>.</summary>
    public static string Group(int index) => Groups[index % Groups.Count];

    /// <summary>The dash pattern of group <paramref name="index"/>.</summary>
    public static string Dash(int index) => Dashes[index % Dashes.Count];

    /// <summary>The colour of a best response (null: not assessed).</summary>
    public static string Of(Response? response) => response switch
    {
        Response.CR => "#0072B2",
        Response.PR => "#56B4E9",
        Response.SD => "#E69F00",
        Response.PD => "#D55E00",
        _ => "#999999",
    };

    /// <summary>The label of a best response.</summary>
    public static string Label(Response? response) => response?.ToString() ?? "Not assessed";
}
