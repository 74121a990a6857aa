namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>
/// What the output must be (OpenAI's <c>response_format</c>, llama.cpp's <c>json_schema</c> and
/// <c>grammar</c>): enforced by grammar-constrained sampling after any reasoning.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.OutputConstraint")]
public sealed record OutputConstraint([property: Id(0)] OutputConstraintKind Kind, [property: Id(1)] string? Text = null)
{
    /// <summary>Any JSON object (<c>json_object</c>).</summary>
    public static readonly OutputConstraint JsonObject = new(OutputConstraintKind.JsonObject);
}

public enum OutputConstraintKind
{
    /// <summary>A JSON object of any shape.</summary>
    JsonObject,

    /// <summary>JSON matching the JSON Schema in <see cref="OutputConstraint.Text"/>.</summary>
    JsonSchema,

    /// <summary>Text matching the GBNF grammar in <see cref="OutputConstraint.Text"/> (root rule <c>root</c>).</summary>
    Grammar,
}
