using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Core.Primitives;

namespace Fhir.Core.Json;

/// <summary>
/// The work of <see cref="FhirJsonReader"/>: one forward pass of a <see cref="Utf8JsonReader"/> that builds
/// the <see cref="ElementNode"/> tree and collects issues. One instance per thread is reused, so that a
/// parse allocates little beyond the tree itself.
/// </summary>
internal sealed class JsonParser
{
    private const int NameBufferLength = 128;
    private const int MaxValueInMessage = 80;

    [ThreadStatic]
    private static JsonParser? _cached;

    private readonly PathStack _path = new();
    private FhirDefinitions _definitions = null!;
    private int _maxDepth;
    private UnknownElementHandling _unknown;
    private List<Issue> _issues = [];
    // The properties seen in the objects being read, as a stack of frames (one frame per open object).
    private Entry[] _entries = new Entry[32];
    private int _entryCount;
    // Marks an array position whose value was already reported, so that the alignment check stays quiet.
    private ElementNode? _reported;

    public static JsonParser Rent(FhirDefinitions definitions, FhirJsonReaderOptions options)
    {
        var parser = _cached ?? new JsonParser();
        _cached = null;
        parser._definitions = definitions;
        parser._maxDepth = options.MaxDepth;
        parser._unknown = options.UnknownElements;
        parser._issues = [];
        return parser;
    }

    public static void Return(JsonParser parser)
    {
        parser._path.Clear();
        Array.Clear(parser._entries, 0, parser._entries.Length);
        parser._entryCount = 0;
        parser._definitions = null!;
        parser._issues = [];
        _cached = parser;
    }

    public ParseResult ParseResource(ReadOnlySpan<byte> json)
    {
        json = SkipByteOrderMark(json);
        if (!CheckUtf8(json))
        {
            return Result(null);
        }
        var reader = NewReader(json);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                Error(IssueType.Structure, $"A resource must be a JSON object, not {Describe(reader.TokenType)}", null);
                SkipValue(ref reader);
                ReadEnd(ref reader);
                return Result(null);
            }
            var type = ResolveResourceType(ref reader, expected: null);
            if (type is null)
            {
                SkipValue(ref reader); // still report JSON that is not well-formed
                ReadEnd(ref reader);
                return Result(null);
            }
            var root = new ElementNode(type.Name, type);
            _path.Push(type.Name, -1);
            ReadObject(ref reader, root, PropertyMap.For(type), isResource: true);
            _path.Pop();
            ReadEnd(ref reader);
            return Result(root);
        }
        catch (JsonException ex)
        {
            return Malformed(ex);
        }
        catch (DepthExceededException)
        {
            return Result(null);
        }
    }

    public ParseResult ParseElement(ReadOnlySpan<byte> json, TypeDefinition type, string name, ElementDefinitionInfo? definition)
    {
        json = SkipByteOrderMark(json);
        if (!CheckUtf8(json))
        {
            return Result(null);
        }
        var reader = NewReader(json);
        var rootName = definition is { IsChoice: true } ? name + ElementNode.ChoiceSuffix(type.Name) : name;
        try
        {
            reader.Read();
            _path.Push(rootName, -1);
            ElementNode? node = null;
            if (type.IsResource)
            {
                if (ExpectObject(ref reader, rootName, "a resource") && ResolveResourceType(ref reader, type) is { } resourceType)
                {
                    node = new ElementNode(name, resourceType, definition);
                    ReadObject(ref reader, node, PropertyMap.For(resourceType), isResource: true);
                }
            }
            else if (type.IsPrimitive)
            {
                var kind = type.Kind == TypeKind.System ? PrimitiveKind.String : PrimitiveChecks.KindOf(type.Name);
                var label = type.Kind == TypeKind.System ? "string" : type.Name;
                if (kind == PrimitiveKind.None)
                {
                    kind = PrimitiveKind.Other;
                }
                if (reader.TokenType == JsonTokenType.Null)
                {
                    Error(IssueType.Structure, $"'{rootName}' is null: JSON nulls are not allowed", _path.Build());
                }
                else if (TryReadPrimitive(ref reader, kind, label, rootName, type.ValuePattern, out var value, out var text))
                {
                    node = new ElementNode(name, type, definition) { Value = value, DecimalText = text };
                }
            }
            else if (ExpectObject(ref reader, rootName, "an object"))
            {
                node = new ElementNode(name, type, definition);
                ReadObject(ref reader, node, PropertyMap.For(type), isResource: false);
            }
            _path.Pop();
            ReadEnd(ref reader);
            return Result(node);
        }
        catch (JsonException ex)
        {
            return Malformed(ex);
        }
        catch (DepthExceededException)
        {
            return Result(null);
        }
    }

    // ---- objects ----

    /// <summary>Reads the object the reader is on into <paramref name="node"/>; leaves the reader on its end.</summary>
    private void ReadObject(ref Utf8JsonReader reader, ElementNode node, PropertyMap map, bool isResource)
    {
        EnterContainer(ref reader);
        var frame = _entryCount;
        var empty = true;
        var sawResourceType = false;
        Span<char> buffer = stackalloc char[NameBufferLength];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            empty = false;
            if (IsNotText(ref reader))
            {
                Error(IssueType.Structure, "A property name holds an unpaired UTF-16 surrogate (\\uD800-\\uDFFF without its pair), which is not Unicode text", _path.Build());
                reader.Read();
                SkipValue(ref reader);
                continue;
            }
            if (isResource && reader.ValueTextEquals("resourceType"u8))
            {
                reader.Read();
                if (sawResourceType)
                {
                    Error(IssueType.Structure, "Duplicate property 'resourceType'", _path.Build("resourceType"));
                }
                sawResourceType = true;
                SkipValue(ref reader); // its value was read ahead, before the object
                continue;
            }
            JsonPropertyInfo? property;
            string? name = null;
            if (reader.ValueSpan.Length <= NameBufferLength)
            {
                var length = reader.CopyString(buffer);
                map.TryGet(buffer[..length], out property);
            }
            else
            {
                name = reader.GetString()!;
                map.TryGet(name, out property);
            }
            if (property is null)
            {
                name ??= reader.GetString()!;
                reader.Read();
                ReportUnknown(map, name);
                SkipValue(ref reader);
                continue;
            }
            reader.Read();
            ReadProperty(ref reader, property, frame);
        }
        if (empty && !isResource)
        {
            Error(IssueType.Structure, "Empty objects are not allowed", _path.Build());
        }
        Complete(node, frame);
    }

    private void ReadProperty(ref Utf8JsonReader reader, JsonPropertyInfo property, int frame)
    {
        if (property.IsProhibited)
        {
            Error(IssueType.Structure, $"'{property.Key}' is not allowed here (its maximum cardinality is 0)", _path.Build(property.Key));
            SkipValue(ref reader);
            return;
        }
        var index = FindEntry(frame, property.Element);
        ref var entry = ref _entries[index];
        var same = property.IsExtension ? entry.ExtensionProperty : entry.ValueProperty;
        var chosen = entry.ValueProperty ?? entry.ExtensionProperty;
        if (same is not null)
        {
            Error(IssueType.Structure, ReferenceEquals(same, property)
                ? $"Duplicate property '{property.Key}'"
                : $"'{property.Key}' and '{same.Key}' both give a value for the choice element '{property.Element.Name}[x]'",
                _path.Build(property.Key));
            SkipValue(ref reader);
            return;
        }
        if (chosen is not null && !ReferenceEquals(chosen.Type, property.Type))
        {
            Error(IssueType.Structure,
                $"'{property.Key}' and '{chosen.Key}' both give a value for the choice element '{property.Element.Name}[x]'",
                _path.Build(property.Key));
            SkipValue(ref reader);
            return;
        }
        if (property.IsExtension)
        {
            entry.ExtensionProperty = property;
            ReadPrimitiveExtensions(ref reader, property, index);
        }
        else
        {
            entry.ValueProperty = property;
            if (property.IsPrimitive)
            {
                ReadPrimitiveValues(ref reader, property, index);
            }
            else
            {
                ReadObjects(ref reader, property, index);
            }
        }
    }

    /// <summary>Reads a complex element or resource: an object, or an array of objects when it repeats.</summary>
    private void ReadObjects(ref Utf8JsonReader reader, JsonPropertyInfo property, int index)
    {
        var what = property.IsResource ? "a resource" : "an object";
        if (!property.IsCollection)
        {
            if (!ExpectSingle(ref reader, property) || !ExpectObject(ref reader, property.Key, what))
            {
                return;
            }
            _path.Push(property.JsonName, -1);
            var node = ReadObjectValue(ref reader, property);
            _path.Pop();
            _entries[index].Single = node;
            return;
        }
        if (!ExpectArray(ref reader, property))
        {
            return;
        }
        var items = new List<ElementNode?>();
        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            _path.Push(property.JsonName, position);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (ReadObjectValue(ref reader, property) is { } node)
                {
                    items.Add(node);
                }
            }
            else
            {
                Error(IssueType.Structure, reader.TokenType == JsonTokenType.Null
                    ? $"'{property.JsonName}' has a null item: JSON nulls are not allowed"
                    : $"'{property.JsonName}' items must be {what}, not {Describe(reader.TokenType)}", _path.Build());
                SkipValue(ref reader);
            }
            _path.Pop();
            position++;
        }
        if (position == 0)
        {
            ReportEmptyArray(property);
        }
        _entries[index].Items = items;
    }

    /// <summary>Reads the object the reader is on as the value of <paramref name="property"/> (the path is pushed).</summary>
    private ElementNode? ReadObjectValue(ref Utf8JsonReader reader, JsonPropertyInfo property)
    {
        if (!property.IsResource)
        {
            var node = new ElementNode(property.Element.Name, property.Type, property.Element);
            ReadObject(ref reader, node, property.ChildMap, isResource: false);
            return node;
        }
        var type = ResolveResourceType(ref reader, property.Type);
        if (type is null)
        {
            SkipValue(ref reader);
            return null;
        }
        var resource = new ElementNode(property.Element.Name, type, property.Element);
        ReadObject(ref reader, resource, PropertyMap.For(type), isResource: true);
        return resource;
    }

    // ---- primitives ----

    private void ReadPrimitiveValues(ref Utf8JsonReader reader, JsonPropertyInfo property, int index)
    {
        if (!property.IsCollection)
        {
            if (!ExpectSingle(ref reader, property))
            {
                return;
            }
            _path.Push(property.JsonName, -1);
            if (reader.TokenType == JsonTokenType.Null)
            {
                Error(IssueType.Structure, $"'{property.JsonName}' is null: JSON nulls are not allowed", _path.Build());
            }
            else if (TryReadPrimitive(ref reader, property.Kind, property.TypeLabel, property.JsonName, property.Type.ValuePattern, out var value, out var text))
            {
                var node = _entries[index].Single ??= NewNode(property);
                node.Value = value;
                node.DecimalText = text;
            }
            _path.Pop();
            return;
        }
        if (!ExpectArray(ref reader, property))
        {
            return;
        }
        var items = _entries[index].Items ??= [];
        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (items.Count <= position)
            {
                items.Add(null);
            }
            // A null keeps the position for the matching item of the '_' array; Complete checks that it has one.
            if (reader.TokenType != JsonTokenType.Null)
            {
                _path.Push(property.JsonName, position);
                if (TryReadPrimitive(ref reader, property.Kind, property.TypeLabel, property.JsonName, property.Type.ValuePattern, out var value, out var text))
                {
                    if (!IsReported(items[position]))
                    {
                        var node = items[position] ??= NewNode(property);
                        node.Value = value;
                        node.DecimalText = text;
                    }
                }
                else
                {
                    items[position] = Reported(property);
                }
                _path.Pop();
            }
            position++;
        }
        if (position == 0)
        {
            ReportEmptyArray(property);
        }
        _entries[index].ValueCount = position;
    }

    /// <summary>Reads <c>_name</c>: the id and extensions of a primitive, or an array of them aligned with its values.</summary>
    private void ReadPrimitiveExtensions(ref Utf8JsonReader reader, JsonPropertyInfo property, int index)
    {
        if (!property.IsCollection)
        {
            if (!ExpectSingle(ref reader, property) || !ExpectObject(ref reader, property.Key, "an object with the primitive's id and extensions"))
            {
                return;
            }
            _path.Push(property.JsonName, -1);
            var node = _entries[index].Single ??= NewNode(property);
            ReadObject(ref reader, node, property.ChildMap, isResource: false);
            _path.Pop();
            return;
        }
        if (!ExpectArray(ref reader, property))
        {
            return;
        }
        var items = _entries[index].Items ??= [];
        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (items.Count <= position)
            {
                items.Add(null);
            }
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                _path.Push(property.JsonName, position);
                var existing = items[position];
                var node = existing is null || IsReported(existing) ? NewNode(property) : existing;
                ReadObject(ref reader, node, property.ChildMap, isResource: false);
                if (existing is null)
                {
                    items[position] = node;
                }
                _path.Pop();
            }
            else if (reader.TokenType != JsonTokenType.Null)
            {
                Error(IssueType.Structure, $"'{property.Key}' items must be objects or null, not {Describe(reader.TokenType)}",
                    _path.Build(property.JsonName, position));
                SkipValue(ref reader);
                items[position] = Reported(property);
            }
            position++;
        }
        if (position == 0)
        {
            ReportEmptyArray(property);
        }
        _entries[index].ExtensionCount = position;
    }

    /// <summary>Reads and checks the JSON primitive the reader is on; reports an issue (at the current path) when it is wrong.</summary>
    private bool TryReadPrimitive(
        ref Utf8JsonReader reader, PrimitiveKind kind, string typeLabel, string name, string? pattern, out object? value, out string? decimalText)
    {
        value = null;
        decimalText = null;
        var expected = PrimitiveChecks.TokenOf(kind);
        switch (reader.TokenType)
        {
            case JsonTokenType.String when expected == JsonPrimitiveToken.String:
                if (IsNotText(ref reader))
                {
                    Error(IssueType.Value, $"Invalid {typeLabel} in '{name}': it holds an unpaired UTF-16 surrogate (\\uD800-\\uDFFF without its pair), which is not Unicode text", _path.Build());
                    return false;
                }
                var text = reader.GetString()!;
                if (PrimitiveChecks.CheckString(kind, text, pattern) is { } reason)
                {
                    Error(IssueType.Value, $"Invalid {typeLabel} '{Shorten(text)}' in '{name}': {reason}", _path.Build());
                    return false;
                }
                if (kind is PrimitiveKind.String or PrimitiveKind.Markdown && PrimitiveChecks.IsWhiteSpaceOnly(text))
                {
                    _issues.Add(Issue.Warning(IssueType.Value, $"'{name}' has only whitespace: strings should have non-whitespace content", _path.Build()));
                }
                value = text;
                return true;
            case JsonTokenType.Number when expected == JsonPrimitiveToken.Number:
                if (PrimitiveChecks.CheckNumber(kind, reader.ValueSpan, out value) is { } numberReason)
                {
                    Error(IssueType.Value, $"Invalid {typeLabel} {Encoding.UTF8.GetString(reader.ValueSpan)} in '{name}': {numberReason}", _path.Build());
                    return false;
                }
                if (kind == PrimitiveKind.Decimal)
                {
                    decimalText = Encoding.UTF8.GetString(reader.ValueSpan);
                }
                return true;
            case JsonTokenType.True or JsonTokenType.False when expected == JsonPrimitiveToken.Boolean:
                value = reader.TokenType == JsonTokenType.True;
                return true;
            default:
                var wanted = expected switch
                {
                    JsonPrimitiveToken.Number => "a JSON number",
                    JsonPrimitiveToken.Boolean => "a JSON boolean",
                    _ => "a JSON string",
                };
                Error(IssueType.Structure, $"'{name}' is a {typeLabel}: expected {wanted}, found {Describe(reader.TokenType)}", _path.Build());
                SkipValue(ref reader);
                return false;
        }
    }

    // ---- the end of an object ----

    /// <summary>Checks the aligned primitive arrays of the object just read and adds its children in canonical order.</summary>
    private void Complete(ElementNode node, int frame)
    {
        // The properties were met in JSON order; canonical JSON is already sorted, so this rarely moves anything.
        for (var i = frame + 1; i < _entryCount; i++)
        {
            if (_entries[i].Element.Order >= _entries[i - 1].Element.Order)
            {
                continue;
            }
            var moving = _entries[i];
            var j = i - 1;
            while (j >= frame && _entries[j].Element.Order > moving.Element.Order)
            {
                _entries[j + 1] = _entries[j];
                j--;
            }
            _entries[j + 1] = moving;
        }
        for (var i = frame; i < _entryCount; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.Single is { } single)
            {
                node.AppendUnordered(single);
            }
            else if (entry.Items is { } items)
            {
                var primitive = entry.ValueProperty ?? entry.ExtensionProperty;
                if (primitive is { Kind: not PrimitiveKind.None })
                {
                    CheckAlignment(ref entry, primitive);
                }
                foreach (var item in items)
                {
                    if (item is not null && !IsReported(item))
                    {
                        node.AppendUnordered(item);
                    }
                }
            }
            entry = default;
        }
        _entryCount = frame;
    }

    private void CheckAlignment(ref Entry entry, JsonPropertyInfo property)
    {
        var name = property.JsonName;
        if (entry.ValueProperty is not null && entry.ExtensionProperty is not null && entry.ValueCount != entry.ExtensionCount)
        {
            Error(IssueType.Structure,
                $"'{name}' has {entry.ValueCount} items but '_{name}' has {entry.ExtensionCount}: the arrays must align", _path.Build(name));
            return;
        }
        var items = entry.Items!;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                Error(IssueType.Structure, entry.ExtensionProperty is null || entry.ValueProperty is null
                    ? $"'{name}' has a null item: JSON nulls are only allowed to align '{name}' with '_{name}'"
                    : $"'{name}' and '_{name}' are both null at position {i}", _path.Build(name, i));
            }
        }
    }

    private int FindEntry(int frame, ElementDefinitionInfo element)
    {
        for (var i = frame; i < _entryCount; i++)
        {
            if (ReferenceEquals(_entries[i].Element, element))
            {
                return i;
            }
        }
        if (_entryCount == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }
        _entries[_entryCount].Element = element;
        return _entryCount++;
    }

    // ---- resources ----

    /// <summary>
    /// Finds the <c>resourceType</c> of the object the reader is on, wherever it is in the object, and
    /// resolves it; reports at the current path and returns null when it is missing, unknown or not allowed.
    /// </summary>
    private TypeDefinition? ResolveResourceType(ref Utf8JsonReader reader, TypeDefinition? expected)
    {
        var (outcome, name) = LookAheadResourceType(reader);
        switch (outcome)
        {
            case LookAhead.Failed:
                SkipValue(ref reader); // reports the depth or syntax fault the look-ahead ran into
                Error(IssueType.Structure, "The resource could not be read", _path.Build());
                return null;
            case LookAhead.Missing:
                Error(IssueType.Structure, "A resource must have a 'resourceType'", _path.Build());
                return null;
            case LookAhead.NotString:
                Error(IssueType.Structure, "'resourceType' must be a JSON string", _path.Build());
                return null;
        }
        if (!_definitions.IsResourceType(name!))
        {
            // Looked up by URL rather than FindType, so that unknown names sent by clients are not cached.
            var entry = _definitions.FindByUrl("http://hl7.org/fhir/StructureDefinition/" + name);
            if (entry is { ResourceType: "StructureDefinition", Kind: "resource", IsAbstract: true } && entry.Type == name)
            {
                Error(IssueType.Invalid, $"'{name}' is an abstract type: a resource must have a concrete resource type", _path.Build());
            }
            else
            {
                Error(IssueType.NotSupported, $"Unknown resource type '{Shorten(name!)}'", _path.Build());
            }
            return null;
        }
        var type = _definitions.FindType(name!)!;
        if (expected is not null && !expected.IsAbstract && !type.IsA(expected.Name))
        {
            Error(IssueType.Invalid, $"Expected a {expected.Name} resource, found {name}", _path.Build());
            return null;
        }
        return type;
    }

    private static (LookAhead Outcome, string? Name) LookAheadResourceType(Utf8JsonReader reader)
    {
        // A copy of the reader scans the object's own properties; the caller's reader does not move.
        var depth = reader.CurrentDepth;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
                {
                    return (LookAhead.Missing, null);
                }
                var isResourceType = !IsNotText(ref reader) && reader.ValueTextEquals("resourceType"u8);
                reader.Read();
                if (isResourceType)
                {
                    // A name that is not text names no resource type (U+FFFD stands in for it in the message).
                    return reader.TokenType != JsonTokenType.String ? (LookAhead.NotString, null)
                        : (LookAhead.Found, IsNotText(ref reader) ? "\uFFFD" : reader.GetString());
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return (LookAhead.Failed, null);
    }

    // ---- shapes ----

    private bool ExpectSingle(ref Utf8JsonReader reader, JsonPropertyInfo property)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return true;
        }
        Error(IssueType.Structure, $"'{property.Key}' does not repeat: expected a single value, not an array", _path.Build(property.Key));
        SkipValue(ref reader);
        return false;
    }

    private bool ExpectArray(ref Utf8JsonReader reader, JsonPropertyInfo property)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            EnterContainer(ref reader);
            return true;
        }
        Error(IssueType.Structure, reader.TokenType == JsonTokenType.Null
            ? $"'{property.Key}' is null: JSON nulls are not allowed"
            : $"'{property.Key}' repeats: expected an array, not {Describe(reader.TokenType)}", _path.Build(property.Key));
        SkipValue(ref reader);
        return false;
    }

    private bool ExpectObject(ref Utf8JsonReader reader, string key, string what)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }
        var expression = _path.Build(key);
        Error(IssueType.Structure, reader.TokenType == JsonTokenType.Null
            ? $"'{key}' is null: JSON nulls are not allowed"
            : $"'{key}' must be {what}, not {Describe(reader.TokenType)}", expression);
        SkipValue(ref reader);
        return false;
    }

    private void ReportEmptyArray(JsonPropertyInfo property) =>
        Error(IssueType.Structure, $"'{property.Key}' is an empty array: empty arrays are not allowed", _path.Build(property.Key));

    private void ReportUnknown(PropertyMap map, string name)
    {
        var shown = Shorten(name); // a client's name goes back in the outcome: keep it short
        var expression = _path.Build(shown);
        var type = map.Type;
        if (name == "resourceType")
        {
            // Some types have an element of that name (ExampleScenario.instance); the others are not resources.
            Error(IssueType.Structure, $"'resourceType' is only allowed on a resource, not in {type.Name}", expression);
            return;
        }
        var bare = name.StartsWith('_') ? name[1..] : name;
        if (name.Length > 1 && name[0] == '_' && map.TryGet(bare, out var plain))
        {
            Unknown($"'{shown}': '{plain.Key}' is not a FHIR primitive, so it has no '_' form", expression);
            return;
        }
        foreach (var element in type.Elements)
        {
            if (!element.IsChoice || !bare.StartsWith(element.Name, StringComparison.Ordinal))
            {
                continue;
            }
            if (bare.Length == element.Name.Length)
            {
                Unknown(
                    $"'{name}' is a choice element: its name needs a type suffix, as in '{element.Name}{element.Types[0].ChoiceSuffix}'", expression);
                return;
            }
            if (char.IsUpper(bare[element.Name.Length]))
            {
                Unknown(
                    $"'{shown}': '{Shorten(bare[element.Name.Length..])}' is not an allowed type for the choice element '{element.Name}[x]'", expression);
                return;
            }
        }
        Unknown($"Unknown element '{shown}' in {type.Name}", expression);
    }

    /// <summary>An element the definitions do not have: an error, or under lenient intake a warning that says it was dropped.</summary>
    private void Unknown(string message, string? expression) => _issues.Add(_unknown == UnknownElementHandling.Drop
        ? Issue.Warning(IssueType.Structure, message + "; dropped (lenient intake)", expression)
        : Issue.Error(IssueType.Structure, message, expression));


    // ---- the reader ----

    private Utf8JsonReader NewReader(ReadOnlySpan<byte> json) =>
        // The reader's own limit sits above ours so that EnterContainer reports first, with a path.
        new(json, new JsonReaderOptions { MaxDepth = _maxDepth > int.MaxValue - 2 ? int.MaxValue : _maxDepth + 2, CommentHandling = JsonCommentHandling.Disallow });

    private void EnterContainer(ref Utf8JsonReader reader)
    {
        if (reader.CurrentDepth >= _maxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            Error(IssueType.Structure, $"The JSON nests deeper than the maximum depth of {_maxDepth}", _path.Build());
            throw new DepthExceededException();
        }
    }

    /// <summary>Skips the value the reader is on (without recursion, still enforcing the depth limit).</summary>
    private void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }
        var depth = reader.CurrentDepth;
        EnterContainer(ref reader);
        while (reader.Read())
        {
            if (reader.CurrentDepth == depth)
            {
                return;
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                EnterContainer(ref reader);
            }
        }
    }

    private static void ReadEnd(ref Utf8JsonReader reader)
    {
        // Throws on anything but whitespace after the value.
        while (reader.Read())
        {
        }
    }

    private bool CheckUtf8(ReadOnlySpan<byte> json)
    {
        if (System.Text.Unicode.Utf8.IsValid(json))
        {
            return true;
        }
        var offset = 0;
        while (offset < json.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(json[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                break;
            }
            offset += consumed;
        }
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (json[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        Error(IssueType.Structure, $"The body is not valid UTF-8 (line {line}, byte {offset - lineStart + 1})", null);
        return false;
    }

    private ParseResult Malformed(JsonException ex)
    {
        // One issue only: after a syntax fault nothing else said about the document is reliable.
        var reason = ex.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            reason = reason[..cut];
        }
        var line = (ex.LineNumber ?? 0) + 1;
        var position = (ex.BytePositionInLine ?? 0) + 1;
        _issues = [Issue.Error(IssueType.Structure, $"The body is not well-formed JSON (line {line}, byte {position}): {reason}")];
        return Result(null);
    }

    // ---- helpers ----

    private ParseResult Result(ElementNode? node) => new(node, _issues);

    private static ElementNode NewNode(JsonPropertyInfo property) => new(property.Element.Name, property.Type, property.Element);

    private ElementNode Reported(JsonPropertyInfo property) => _reported ??= NewNode(property);

    private bool IsReported(ElementNode? node) => node is not null && ReferenceEquals(node, _reported);

    private void Error(IssueType type, string message, string? expression) => _issues.Add(Issue.Error(type, message, expression));

    // A string or property name whose escapes hold an unpaired surrogate: the reader cannot make a string of it.
    // (The reader reads one span, never a sequence.)
    private static bool IsNotText(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped && JsonEscapes.IndexOfUnpairedSurrogate(reader.ValueSpan) >= 0;

    private static ReadOnlySpan<byte> SkipByteOrderMark(ReadOnlySpan<byte> json) =>
        json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? json[3..] : json;

    private static string Shorten(string value) => value.Length <= MaxValueInMessage ? value : value[..MaxValueInMessage] + "...";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private enum LookAhead { Found, Missing, NotString, Failed }

    /// <summary>What the reader knows of one element of the object being read.</summary>
    private struct Entry
    {
        public ElementDefinitionInfo Element;
        public JsonPropertyInfo? ValueProperty;
        public JsonPropertyInfo? ExtensionProperty;
        public ElementNode? Single;
        public List<ElementNode?>? Items;
        public int ValueCount;
        public int ExtensionCount;
    }

    private sealed class DepthExceededException : Exception
    {
    }
}
