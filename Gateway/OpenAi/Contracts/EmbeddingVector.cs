using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>A vector on the wire: an array of numbers, or (<c>encoding_format: base64</c>) its little-endian float32 bytes in base64.</summary>
[JsonConverter(typeof(EmbeddingVectorConverter))]
internal sealed record EmbeddingVector(float[] Values, bool Base64);

internal sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Embedding vectors are only written.");

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        if (value.Base64)
        {
            var bytes = new byte[value.Values.Length * sizeof(float)];
            for (var i = 0; i < value.Values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), value.Values[i]);
            }

            writer.WriteBase64StringValue(bytes);
            return;
        }

        writer.WriteStartArray();
        foreach (var component in value.Values)
        {
            writer.WriteNumberValue(component);
        }

        writer.WriteEndArray();
    }
}
