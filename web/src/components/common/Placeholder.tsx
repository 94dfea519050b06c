// A page of the box office that is not open yet: it says what will be there.

export function Placeholder({ title, text }: { title: string; text: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <p>{text} This page is being built.</p>
    </section>
  );
}

/** A page component for a route whose page is not open yet. */
export const placeholderPage = (title: string, text: string) =>
  function PlaceholderPage() {
    return <Placeholder title={title} text={text} />;
  };
