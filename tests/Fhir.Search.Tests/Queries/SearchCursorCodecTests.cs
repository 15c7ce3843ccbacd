using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

public class SearchCursorCodecTests
{
    [Fact]
    public void A_cursor_survives_the_round_trip_with_every_kind_of_sort_value()
    {
        var at = new DateTime(2024, 5, 1, 8, 30, 0, DateTimeKind.Utc).AddTicks(7);
        var cursor = new SearchCursor(123456789012, ["Müller|x", 1.50m, 0.1 + 0.2, at, null], PageDirection.Backward);

        var text = SearchCursorCodec.Encode(cursor);

        Assert.True(SearchCursorCodec.TryDecode(text, out var back));
        Assert.Equal(cursor.Key, back!.Key);
        Assert.Equal(cursor.Direction, back.Direction);
        Assert.Equal(cursor.SortValues, back.SortValues);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)back.SortValues[3]!).Kind);
        // URL-safe as it stands.
        Assert.Equal(Uri.EscapeDataString(text), text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("!!!")]
    [InlineData("bm90IGpzb24")]          // "not json"
    [InlineData("eyJrIjoxLCJkIjoieCIsInYiOltdfQ")] // {"k":1,"d":"x","v":[]}
    [InlineData("eyJrIjoxLCJkIjoiZiIsInYiOltbInoiLDFdXX0")] // {"k":1,"d":"f","v":[["z",1]]}
    public void Anything_else_is_refused(string text)
    {
        Assert.False(SearchCursorCodec.TryDecode(text, out var cursor));
        Assert.Null(cursor);
    }
}
