using System.Runtime.CompilerServices;

namespace Fhir.Path.Evaluation;

/// <summary>Shared immutable collections and boxed values, so that evaluation allocates little.</summary>
internal static class Items
{
    private const int CachedMin = -128;
    private const int CachedMax = 1024;
    private static readonly object[] BoxedInts = CreateInts();
    private static readonly object[][] IntCollections = CreateIntCollections();

    public static readonly object[] Empty = [];
    public static readonly object BoxedTrue = true;
    public static readonly object BoxedFalse = false;
    public static readonly object[] True = [BoxedTrue];
    public static readonly object[] False = [BoxedFalse];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object[] Of(bool value) => value ? True : False;

    public static object[] Of(bool? value) => value is null ? Empty : value.Value ? True : False;

    public static object Box(bool value) => value ? BoxedTrue : BoxedFalse;

    public static object Box(int value) =>
        value is >= CachedMin and <= CachedMax ? BoxedInts[value - CachedMin] : value;

    public static object[] Of(int value) =>
        value is >= CachedMin and <= CachedMax ? IntCollections[value - CachedMin] : [value];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object[] Single(object item) => [item];

    /// <summary>A collection from a list being built: the empty array, or the list itself.</summary>
    public static IReadOnlyList<object> From(List<object>? list) => list is null || list.Count == 0 ? Empty : list;

    private static object[] CreateInts()
    {
        var boxes = new object[CachedMax - CachedMin + 1];
        for (var i = 0; i < boxes.Length; i++)
        {
            boxes[i] = i + CachedMin;
        }
        return boxes;
    }

    private static object[][] CreateIntCollections()
    {
        var ints = CreateInts();
        var collections = new object[ints.Length][];
        for (var i = 0; i < ints.Length; i++)
        {
            collections[i] = [ints[i]];
        }
        return collections;
    }
}
