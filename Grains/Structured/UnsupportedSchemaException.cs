namespace Verge.Orleans.Grains.Structured;

/// <summary>
/// A JSON Schema uses a keyword the grammar translation does not support, or is malformed. Raised
/// instead of ignoring the keyword, so a caller never gets output that silently breaks the schema.
/// </summary>
public sealed class UnsupportedSchemaException : Exception
{
    /// <summary>Creates the exception for a keyword at a path (the path ends with the keyword).</summary>
    public UnsupportedSchemaException(string path, string keyword, string message)
        : base(message)
    {
        Path = path;
        Keyword = keyword;
    }

    /// <summary>Where in the schema, as a path of keys like "properties.city.pattern" (empty for the root).</summary>
    public string Path { get; }

    /// <summary>The unsupported or malformed keyword, e.g. "pattern".</summary>
    public string Keyword { get; }
}
