using System.Globalization;
using System.Text;

namespace Fhir.Core.Json;

/// <summary>
/// Where the reader is, as FHIRPath segments (JSON name, index on repeating elements); turned into
/// an expression such as <c>Observation.component[1].valueQuantity.value</c> only when an issue needs it.
/// </summary>
internal sealed class PathStack
{
    private string[] _names = new string[32];
    private int[] _indexes = new int[32];
    private int _count;

    public void Push(string name, int index)
    {
        if (_count == _names.Length)
        {
            Array.Resize(ref _names, _count * 2);
            Array.Resize(ref _indexes, _count * 2);
        }
        _names[_count] = name;
        _indexes[_count] = index;
        _count++;
    }

    public void Pop() => _names[--_count] = null!;

    public void Clear()
    {
        Array.Clear(_names, 0, _count);
        _count = 0;
    }

    /// <summary>The current path, optionally with one more segment (<paramref name="index"/> -1 for none).</summary>
    public string? Build(string? child = null, int index = -1)
    {
        if (_count == 0 && child is null)
        {
            return null;
        }
        var sb = new StringBuilder(64);
        for (var i = 0; i < _count; i++)
        {
            Append(sb, _names[i], _indexes[i]);
        }
        if (child is not null)
        {
            Append(sb, child, index);
        }
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string name, int index)
    {
        if (sb.Length > 0)
        {
            sb.Append('.');
        }
        sb.Append(name);
        if (index >= 0)
        {
            sb.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }
    }
}
