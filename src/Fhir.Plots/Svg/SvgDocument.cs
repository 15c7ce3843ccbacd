namespace Fhir.Plots.Svg;

/// <summary>The frame every plot shares: the root element with its accessible name and description.</summary>
internal static class SvgDocument
{
    public static void Open(SvgWriter w, string id, double width, double height, string title, string description)
    {
        w.Open("svg",
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("id", id),
            ("viewBox", $"0 0 {SvgWriter.Num(width)} {SvgWriter.Num(height)}"),
            ("width", width),
            ("height", height),
            ("role", "img"),
            ("aria-labelledby", $"{id}-title {id}-desc"),
            ("font-family", "DejaVu Sans, Arial, sans-serif"),
            ("font-size", 12));
        w.Element("title", title, ("id", id + "-title"));
        w.Element("desc", description, ("id", id + "-desc"));
        w.Empty("rect", ("width", width), ("height", height), ("fill", "#fff"));
    }

    public static string Close(SvgWriter w) => w.Close("svg").ToString();
}
